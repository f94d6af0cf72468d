/**
 * The MQTT topic tree of CityEdge, defined once: every topic kind maps to a pattern, a payload
 * schema, its QoS and whether it is retained. Edge, broker, dashboard and simulators all go
 * through {@link topicFor} / {@link decodeMessage}, so a malformed topic or payload is caught at
 * every boundary with the same error codes.
 */
import { z } from 'zod';
import { CityEdgeError, err, ok, type Result } from '../errors.ts';
import { commandArgs, commandResponse, type CommandName, commandNames } from './commands.ts';
import * as p from './payloads.ts';

export const CONTRACT_VERSION = 'v1';
export const ROOT = `cityedge/${CONTRACT_VERSION}`;

interface TopicSpec<S extends z.ZodType> {
  /** Levels after `cityedge/v1/`; `{name}` is a single-level parameter. */
  pattern: string;
  schema: S;
  /** State topics are retained so a new subscriber sees the present at once; events are not. */
  retained: boolean;
  /** [MQTT-4.3] QoS 1 for anything that must not be lost; 0 for high-rate, superseded state. */
  qos: 0 | 1;
  description: string;
}

const spec = <S extends z.ZodType>(s: TopicSpec<S>) => s;
const dev = '{site}/{device}';

export const topics = {
  status: spec({
    pattern: `${dev}/status`,
    schema: p.envelope(p.availability),
    retained: true,
    qos: 1,
    description: 'Availability: birth `online` on every (re)connect, last-will `offline`.',
  }),
  health: spec({
    pattern: `${dev}/health`,
    schema: p.envelope(p.health),
    // Retained: a control room opened between reports shows the last one (greyed once stale)
    // instead of nothing for up to an interval.
    retained: true,
    qos: 1,
    description: 'Device health telemetry (CPU temperature, memory, disk, queue, links), the latest report.',
  }),
  sensorReading: spec({
    pattern: `${dev}/sensor/{sensor}`,
    schema: p.envelope(p.sensorReading),
    retained: false,
    qos: 1,
    description: 'Raw bay-sensor frames decoded from the serial bus.',
  }),
  parkingLot: spec({
    pattern: `${dev}/parking/lot`,
    schema: p.envelope(p.parkingLot),
    retained: true,
    qos: 1,
    description: 'Lot counts with FIWARE OffStreetParking names.',
  }),
  parkingBay: spec({
    pattern: `${dev}/parking/bay/{bay}`,
    schema: p.envelope(p.parkingBay),
    retained: true,
    qos: 1,
    description: 'One bay status (FIWARE ParkingSpot: free/occupied/closed/unknown).',
  }),
  parkingGate: spec({
    pattern: `${dev}/parking/gate/{lane}`,
    schema: p.envelope(p.gateState),
    retained: true,
    qos: 1,
    description: 'Barrier-gate state per lane.',
  }),
  parkingEvent: spec({
    pattern: `${dev}/parking/event`,
    schema: p.envelope(p.parkingEvent),
    retained: false,
    qos: 1,
    description: 'Entries, exits (with stay), denials, reviews, tailgating, disabled-bay violations, faults.',
  }),
  parkingReviews: spec({
    pattern: `${dev}/parking/reviews`,
    schema: p.envelope(p.parkingReviews),
    retained: true,
    qos: 1,
    description: 'Plate reads waiting for an operator to approve or deny (`review.decide`).',
  }),
  lprRead: spec({
    pattern: `${dev}/lpr/read`,
    schema: p.envelope(p.lprRead),
    retained: false,
    qos: 1,
    description: 'One licence-plate read with candidates, box, confidence and a thumbnail.',
  }),
  cameraFrame: spec({
    pattern: `${dev}/camera/{camera}/frame`,
    schema: p.envelope(p.cameraFrame),
    // QoS 1 through the edge's queue: after an outage the newest frame is the one left retained.
    retained: true,
    qos: 1,
    description: "A camera's last frame (thumbnail) with the plate box and read, retained per camera.",
  }),
  signalHeads: spec({
    pattern: `${dev}/signals/{intersection}/heads`,
    schema: p.envelope(p.signalHeads),
    retained: true,
    qos: 1,
    description: 'Signal-head state per signal group.',
  }),
  spat: spec({
    pattern: `${dev}/signals/{intersection}/spat`,
    schema: p.envelope(p.spat),
    retained: true,
    qos: 0,
    description: 'SPaT-like state: phase and interval per ring, min/max end, time to change.',
  }),
  hiRes: spec({
    pattern: `${dev}/signals/{intersection}/hires`,
    schema: p.envelope(p.hiResBatch),
    retained: false,
    qos: 1,
    description: 'Indiana hi-resolution controller events, batched.',
  }),
  cycle: spec({
    pattern: `${dev}/signals/{intersection}/cycle`,
    schema: p.envelope(p.cycleMeasures),
    retained: false,
    qos: 1,
    description: 'Per-cycle ATSPM measures.',
  }),
  counts: spec({
    pattern: `${dev}/signals/{intersection}/counts`,
    schema: p.envelope(p.trafficCounts),
    retained: false,
    qos: 1,
    description: 'Counts by detector, direction and vehicle class per period (15 min).',
  }),
  signalAlarm: spec({
    pattern: `${dev}/signals/{intersection}/alarm`,
    schema: p.envelope(p.signalAlarm),
    retained: false,
    qos: 1,
    description: 'Conflict-monitor and detector-fault alarms.',
  }),
  pedPresses: spec({
    pattern: `${dev}/ped/{crossing}/presses`,
    schema: p.envelope(p.pedPresses),
    retained: false,
    qos: 1,
    description: 'Pedestrian push-button presses and calls at one crossing per period (15 min).',
  }),
  evPosition: spec({
    pattern: `${dev}/ev/position`,
    schema: p.envelope(p.evPosition),
    retained: false,
    qos: 0,
    description: 'Emergency-vehicle unit position along a pre-shared route.',
  }),
  command: spec({
    pattern: `${dev}/cmd/{command}`,
    schema: z.strictObject({ transaction: z.string().min(1).max(64), args: z.unknown() }),
    retained: false,
    qos: 1,
    description: 'A command to a device; `args` is checked against the command’s own schema.',
  }),
  commandResponse: spec({
    pattern: `${dev}/cmd/{command}/response`,
    schema: commandResponse,
    retained: false,
    qos: 1,
    description: 'The answer to a command: `{status, data?, error?, transaction}`.',
  }),
} as const;

export type TopicKind = keyof typeof topics;
export type Payload<K extends TopicKind> = z.infer<(typeof topics)[K]['schema']>;
export type Data<K extends TopicKind> = Payload<K> extends { data: infer D } ? D : never;
export type TopicParams = Record<string, string>;

const paramNames = (pattern: string) => [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** Builds a concrete topic; throws on a bad id because that is a programming error, not input. */
export function topicFor(kind: TopicKind, params: TopicParams): string {
  const levels = topics[kind].pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
      throw new CityEdgeError('CONTRACT_BAD_TOPIC_PARAM', `${kind}: bad "${name}" = ${String(value)}`);
    }
    return value;
  });
  return `${ROOT}/${levels}`;
}

/** MQTT subscription filter for a kind, with `+` for every parameter not given. */
export function filterFor(kind: TopicKind, params: Partial<TopicParams> = {}): string {
  const levels = topics[kind].pattern.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '+');
  return `${ROOT}/${levels}`;
}

const matchers = (Object.keys(topics) as TopicKind[]).map((kind) => {
  const names = paramNames(topics[kind].pattern);
  const source = topics[kind].pattern.replace(/\{(\w+)\}/g, '([^/]+)');
  return { kind, names, re: new RegExp(`^${ROOT}/${source}$`) };
});

export function matchTopic(topic: string): { kind: TopicKind; params: TopicParams } | null {
  for (const { kind, names, re } of matchers) {
    const m = re.exec(topic);
    if (!m) continue;
    const params: TopicParams = {};
    names.forEach((n, i) => {
      params[n] = m[i + 1]!;
    });
    return { kind, params };
  }
  return null;
}

// TextDecoder rather than Buffer: the dashboard runs this same code in the browser.
const utf8 = new TextDecoder();

export interface DecodedMessage<K extends TopicKind = TopicKind> {
  kind: K;
  params: TopicParams;
  payload: Payload<K>;
}

/** Parses and validates one MQTT message against the contract. Never throws. */
export function decodeMessage(topic: string, raw: Uint8Array | string): Result<DecodedMessage> {
  const match = matchTopic(topic);
  if (!match) return err(new CityEdgeError('CONTRACT_UNKNOWN_TOPIC', `not a ${ROOT} topic: ${topic}`));
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : utf8.decode(raw));
  } catch {
    return err(new CityEdgeError('CONTRACT_BAD_JSON', `${match.kind}: payload is not JSON`));
  }
  const parsed = topics[match.kind].schema.safeParse(json);
  if (!parsed.success) return err(schemaError(match.kind, parsed.error));
  if (match.kind === 'command') {
    const args = checkCommandArgs(match.params.command!, (parsed.data as { args: unknown }).args);
    if (!args.ok) return args;
  }
  return ok({ kind: match.kind, params: match.params, payload: parsed.data as Payload<TopicKind> });
}

export function checkCommandArgs(command: string, args: unknown): Result<unknown> {
  if (!(commandNames as string[]).includes(command)) {
    return err(new CityEdgeError('CONTRACT_UNKNOWN_COMMAND', `unknown command "${command}"`));
  }
  const parsed = commandArgs[command as CommandName].safeParse(args);
  return parsed.success ? ok(parsed.data) : err(schemaError(`command ${command}`, parsed.error, 'args'));
}

function schemaError(what: string, error: z.ZodError, prefix?: string): CityEdgeError {
  const issues = error.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${i.message}`;
  });
  return new CityEdgeError('CONTRACT_SCHEMA', `${what}: ${issues.join('; ')}`, issues);
}
