/**
 * Contract message → InfluxDB points. Tags are low-cardinality dimensions only (site, device,
 * lot/intersection, kind, bay, lane, phase); plates, message ids and free text are fields.
 *
 * Idempotence: a point's timestamp is the device timestamp (ms) plus a nanosecond offset derived
 * from the message id. A replayed message (same id and device ts) lands on exactly the same
 * series + timestamp and InfluxDB overwrites it instead of counting it twice; two different
 * messages of one series in the same millisecond collide only if their id hashes do (~1e-6).
 */
import type { IPoint } from 'influx';
import {
  type DecodedMessage,
  LOT_OCCUPANCY_FIELDS as F,
  MEASUREMENTS as M,
  type Payload,
  type TopicKind,
} from '../../core/contract/index.ts';
import { CityEdgeError } from '../../core/errors.ts';

type FieldValue = number | string | boolean;
type Fields = Record<string, FieldValue | null | undefined>;

/** FNV-1a 32-bit: fast and stable across processes (unlike a random-seeded hash). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Offsets stay below 1 ms even with the index of a 1,000-event batch added. */
const OFFSET_RANGE = 999_000;

export const idOffset = (id: string) => fnv1a(id) % OFFSET_RANGE;

/**
 * Nanosecond timestamp string: `ts` ms followed by six digits of id-derived offset + index
 * (string concatenation: no BigInt per point on the hot path).
 */
export function pointTime(tsMs: number, id: string, index = 0, offset = idOffset(id)): string {
  return `${tsMs}${String(offset + index).padStart(6, '0')}`;
}

function clean(fields: Fields): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

type Mapper<K extends TopicKind> = (
  p: Payload<K>,
  params: Record<string, string>,
  base: { site: string; device: string },
) => Omit<IPoint, 'timestamp'>[] | { points: Omit<IPoint, 'timestamp'>[]; times: number[] };

const one = (measurement: string, tags: Record<string, string>, fields: Fields) => [
  { measurement, tags, fields: clean(fields) },
];

const mappers: { [K in TopicKind]?: Mapper<K> } = {
  status: (p, _, b) => one(M.status, b, { online: p.data.state === 'online' ? 1 : 0 }),
  health: (p, _, b) => {
    const { serial, cameras, ...numbers } = p.data;
    return one(M.health, b, {
      ...numbers,
      serialUp: serial ? serial.state === 'up' : undefined,
      serialBadFrames: serial?.badFrames,
      camerasFailing: Object.values(cameras).filter((c) => c !== 'ok').length,
    });
  },
  sensorReading: (p, _, b) =>
    one(
      M.sensorReading,
      { ...b, kind: p.data.kind },
      {
        sensor: p.data.sensor,
        occupied: p.data.occupied,
        raw: p.data.raw,
        batteryMv: p.data.batteryMv,
        status: p.data.status,
      },
    ),
  parkingLot: (p, _, b) =>
    one(
      M.parkingLot,
      { site: b.site, lot: b.device },
      {
        [F.totalSpotNumber]: p.data.totalSpotNumber,
        [F.availableSpotNumber]: p.data.availableSpotNumber,
        [F.occupiedSpotNumber]: p.data.occupiedSpotNumber,
        [F.unknownSpotNumber]: p.data.unknownSpotNumber,
        full: p.data.full,
        drift: p.data.drift,
        disabledAvailable: p.data.disabled.available,
      },
    ),
  parkingGate: (p, _, b) =>
    one(
      M.parkingGate,
      { site: b.site, lot: b.device, lane: p.data.lane, direction: p.data.direction },
      {
        state: p.data.state,
        barrier: p.data.barrier,
        fault: p.data.fault,
      },
    ),
  parkingEvent: (p, _, b) => {
    const { kind, ...rest } = p.data;
    return one(M.parkingEvent, { site: b.site, lot: b.device, kind }, { ...rest, msgId: p.id });
  },
  lprRead: (p, _, b) =>
    one(
      M.lprRead,
      { site: b.site, lot: b.device, camera: p.data.camera },
      {
        plate: p.data.plate ?? '',
        confidence: p.data.confidence,
        lane: p.data.lane,
        ms: p.data.ms,
        frameRef: p.data.frameRef,
        msgId: p.id,
      },
    ),
  signalHeads: (p, params, b) =>
    one(M.signalHeads, { ...b, intersection: params.intersection!, mode: p.data.mode }, p.data.groups),
  spat: (p, params, b) =>
    p.data.rings.map((r) => ({
      measurement: M.spat,
      tags: { ...b, intersection: params.intersection!, ring: String(r.ring) },
      fields: clean({
        mode: p.data.mode,
        phase: r.phase,
        interval: r.interval,
        timeToChangeMs: r.timeToChangeMs,
      }),
    })),
  hiRes: (p, params, b) => ({
    points: p.data.events.map((e) => ({
      measurement: M.hiRes,
      tags: { ...b, intersection: params.intersection! },
      fields: { code: e.code, param: e.param },
    })),
    times: p.data.events.map((e) => e.ts),
  }),
  cycle: (p, params, b) =>
    p.data.phases.map((ph) => ({
      measurement: M.cycle,
      tags: { ...b, intersection: params.intersection!, phase: String(ph.phase) },
      fields: clean({
        cycle: p.data.cycle,
        lengthS: p.data.lengthS,
        greenS: ph.greenS,
        termination: ph.termination,
        arrivalsOnGreen: ph.arrivalsOnGreen,
        arrivalsOnRed: ph.arrivalsOnRed,
        splitFailure: ph.splitFailure,
        utilisation: ph.utilisation,
        redLightViolations: ph.redLightViolations,
        preemptions: p.data.preemptions.length,
      }),
    })),
  counts: (p, params, b) =>
    p.data.counts.map((c) => ({
      measurement: M.counts,
      tags: {
        ...b,
        intersection: params.intersection!,
        direction: c.direction,
        vehicleClass: c.vehicleClass,
      },
      fields: clean({
        count: c.count,
        detector: c.detector,
        lane: c.lane,
        movement: c.movement,
        periodS: p.data.periodS,
      }),
    })),
  pedPresses: (p, params, b) =>
    one(
      M.pedPresses,
      { ...b, crossing: params.crossing! },
      { presses: p.data.presses, calls: p.data.calls, periodS: p.data.periodS },
    ),
  signalAlarm: (p, params, b) =>
    one(
      M.signalAlarm,
      { ...b, intersection: params.intersection!, kind: p.data.kind },
      {
        detail: p.data.detail,
        latched: p.data.latched,
        phase: p.data.phase,
        detector: p.data.detector,
        msgId: p.id,
      },
    ),
  evPosition: (p, _, b) =>
    one(M.evPosition, b, {
      vehicleId: p.data.vehicleId,
      routeId: p.data.routeId,
      lat: p.data.lat,
      lon: p.data.lon,
      routeOffsetM: p.data.routeOffsetM,
      speedMps: p.data.speedMps,
      active: p.data.active,
    }),
};

/** Points for one validated message; commands and responses are audited, not time series. */
export function toPoints(msg: DecodedMessage): IPoint[] {
  const mapper = mappers[msg.kind] as Mapper<TopicKind> | undefined;
  const payload = msg.payload as { id: string; ts: number };
  if (!mapper || typeof payload.id !== 'string') return [];
  const base = { site: msg.params.site!, device: msg.params.device! };
  const mapped = mapper(msg.payload, msg.params, base);
  const [points, times] = Array.isArray(mapped) ? [mapped, undefined] : [mapped.points, mapped.times];
  const offset = idOffset(payload.id); // one hash per message, not per point
  const out: IPoint[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!p.fields || Object.keys(p.fields).length === 0) continue;
    (p as IPoint).timestamp = pointTime(times?.[i] ?? payload.ts, payload.id, i, offset);
    out.push(p as IPoint);
  }
  return out;
}

/** Oldest and newest device time (epoch ms) a point may carry to be ingested. */
export interface TimeBounds {
  oldestMs: number;
  newestMs: number;
}

/** `30d`, `12h`, `2w` → ms; `INF` → Infinity (InfluxDB retention-policy durations). */
export function durationMs(d: string): number {
  if (d === 'INF') return Number.POSITIVE_INFINITY;
  const m = /^(\d+)([hdw])$/.exec(d);
  if (!m) throw new Error(`bad duration ${d}`);
  return Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'h' | 'd' | 'w'];
}

/**
 * Device clocks are not trusted: InfluxDB answers 400 for a point older than the retention policy
 * or outside its int64-nanosecond range (years 1677–2262), which used to stall the whole batch.
 * Such a message is refused at ingest with a code instead, before it is acknowledged.
 */
export function checkTimes(points: IPoint[], bounds: TimeBounds): CityEdgeError | undefined {
  for (const p of points) {
    const ms = Number(String(p.timestamp).slice(0, -6));
    if (ms < bounds.oldestMs)
      return new CityEdgeError(
        'INGEST_TS_TOO_OLD',
        `device time ${ms} ms is before ${new Date(bounds.oldestMs).toISOString()} (beyond the raw retention policy)`,
      );
    if (ms > bounds.newestMs)
      return new CityEdgeError(
        'INGEST_TS_IN_FUTURE',
        `device time ${ms} ms is after ${new Date(bounds.newestMs).toISOString()} (device clock ahead)`,
      );
  }
  return undefined;
}
