/**
 * `sim ev`: one emergency vehicle drives a pre-shared route across the SUMO corridor's three
 * junctions, under the CityEdge controllers, once with priority and once without (same demand and
 * seed). The route is announced when the EV departs; requests `{vehicleId, routeId, intersection,
 * approach, etaMs}` follow as its position and ETA update; it checks out behind each junction.
 * With transport 'mqtt' the same trip runs through an EV unit, a dispatcher and junction endpoints
 * on an MQTT broker instead (`mqtt-run.ts`).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CityEdgeError, type Result, err, ok } from '../../core/errors.ts';
import type { PriorityMessage } from '../sumo/bridge.ts';
import { type ControllerFactory, cityEdgeController } from '../sumo/controller.ts';
import { type IntersectionBinding, loadIntersectionBinding } from '../sumo/mapping.ts';
import { type Trip, mean, meanDelayFrom, readTripinfo } from '../sumo/metrics.ts';
import { runControlled } from '../sumo/run.ts';
import { scenarioFile } from '../sumo/scenarios/build.ts';
import { corridorDemand } from '../sumo/scenarios/demand.ts';
import { prepareScenario } from '../sumo/scenarios/prepare.ts';
import { startLocalBroker } from '../infra/local-broker.ts';
import type { IntersectionEndpoint } from './endpoint.ts';
import { formatMqttCounts, mqttCommandsOf } from './mqtt-report.ts';
import { type MqttPriorityStats, runWithMqttPriority } from './mqtt-run.ts';

export const NAMED_ROUTES: Record<string, readonly string[]> = {
  'corridor-eb': ['W_J1', 'J1_J2', 'J2_J3', 'J3_E'],
  'corridor-wb': ['E_J3', 'J3_J2', 'J2_J1', 'J1_W'],
};
const CROSS_STREETS = new Set(['N1_J1', 'S1_J1', 'N2_J2', 'S2_J2', 'N3_J3', 'S3_J3']);
/** EVs depart this far apart: longer than one corridor trip, and not a multiple of any cycle. */
export const EV_SPACING_S = 131;
const evId = (k: number) => `ev-${k + 1}`;

export interface EvRoute {
  readonly id: string;
  readonly edges: readonly string[];
}

/** A named route, or comma-separated corridor edges that must connect head to tail. */
export async function resolveRoute(arg: string): Promise<Result<EvRoute>> {
  const named = NAMED_ROUTES[arg];
  if (named) return ok({ id: arg, edges: named });
  const xml = await readFile(scenarioFile('corridor', 'corridor.edg.xml'), 'utf8');
  const ends = new Map(
    [...xml.matchAll(/<edge id="([^"]+)" from="([^"]+)" to="([^"]+)"/g)].map((m) => [
      m[1] ?? '',
      { from: m[2], to: m[3] },
    ]),
  );
  const edges = arg
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = (message: string) => err(new CityEdgeError('SIM_EV_BAD_ROUTE', message));
  if (edges.length === 0) return bad(`empty route; named routes: ${Object.keys(NAMED_ROUTES).join(', ')}`);
  const unknown = edges.find((e) => !ends.has(e));
  if (unknown) return bad(`unknown corridor edge ${unknown}`);
  for (const [i, e] of edges.entries()) {
    const next = edges[i + 1];
    if (next !== undefined && ends.get(next)?.from !== ends.get(e)?.to)
      return bad(`${e} does not lead to ${next}`);
  }
  return ok({ id: 'custom', edges });
}

export interface EvRunSummary {
  /** Means over the EVs. */
  readonly travelS: number;
  readonly delayS: number;
  readonly halts: number;
  readonly evs: number;
  /** Mean delay of all other traffic and of cross-street traffic only. */
  readonly trafficDelayS: number;
  readonly crossDelayS: number;
}

export interface EvTripReport {
  readonly route: EvRoute;
  readonly withPriority: EvRunSummary;
  readonly withoutPriority: EvRunSummary;
  /** In-process transport: the bridge's messages (empty over MQTT). */
  readonly messages: readonly PriorityMessage[];
  /** MQTT transport: message counts and the command log. */
  readonly mqtt?: MqttPriorityStats;
}

/** How priority reaches the controllers: over an MQTT broker, or by direct calls in the bridge. */
export type EvTransport = 'mqtt' | 'in-process';

export interface EvTripOptions {
  readonly route: EvRoute;
  readonly departS: number;
  /** Number of EVs, one after another along the route. */
  readonly evs: number;
  /** Background demand duration, s. */
  readonly durationS: number;
  readonly seed?: number;
  readonly factory?: ControllerFactory;
  /** Default 'in-process'; 'mqtt' starts an in-process aedes broker unless `brokerUrl` is given. */
  readonly transport?: EvTransport;
  readonly brokerUrl?: string;
  /** MQTT transport: called once the junction endpoints listen. */
  readonly onEndpointsReady?: (
    endpoints: readonly IntersectionEndpoint[],
    brokerUrl: string,
  ) => void | Promise<void>;
}

async function corridorBindings(): Promise<IntersectionBinding[]> {
  const out: IntersectionBinding[] = [];
  for (const j of ['j1', 'j2', 'j3']) {
    const b = await loadIntersectionBinding(scenarioFile('corridor', `${j}.intersection.yaml`));
    if (!b.ok) throw b.error;
    out.push(b.value);
  }
  return out;
}

function summarizeEv(trips: readonly Trip[], count: number): EvRunSummary {
  const evs = trips.filter((t) => t.vType === 'ev');
  if (evs.length !== count)
    throw new CityEdgeError('SIM_EV_NOT_FINISHED', `${evs.length} of ${count} EVs finished their route`);
  return {
    travelS: mean(evs.map((t) => t.durationS)),
    delayS: mean(evs.map((t) => t.timeLossS)),
    halts: mean(evs.map((t) => t.halts)),
    evs: evs.length,
    trafficDelayS: mean(trips.filter((t) => t.vType !== 'ev').map((t) => t.timeLossS)),
    crossDelayS: meanDelayFrom(trips, CROSS_STREETS),
  };
}

export async function runEvTrip(o: EvTripOptions): Promise<EvTripReport> {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-ev-'));
  try {
    const base = corridorDemand(o.durationS);
    const demand = {
      ...base,
      name: 'ev-trip',
      seed: o.seed ?? base.seed,
      durationS: Math.max(o.durationS, o.departS + o.evs * EV_SPACING_S),
      emergency: Array.from({ length: o.evs }, (_, k) => ({
        id: evId(k),
        departS: o.departS + k * EV_SPACING_S,
        from: o.route.edges[0] ?? '',
        to: o.route.edges.at(-1) ?? '',
        route: o.route,
      })),
    };
    const bindings = await corridorBindings();
    const messages: PriorityMessage[] = [];
    const results: EvRunSummary[] = [];
    let mqtt: MqttPriorityStats | undefined;
    for (const priority of [true, false]) {
      const sc = await prepareScenario({
        network: 'corridor',
        tls: 'static',
        demand,
        dir,
        label: `ev-${priority}`,
      });
      const factory = o.factory ?? cityEdgeController;
      if (priority && o.transport === 'mqtt') {
        const vehicleIds = demand.emergency.map((e) => e.id);
        mqtt = await withBroker(o.brokerUrl, (url) =>
          runWithMqttPriority({
            url,
            sumoArgs: ['-c', sc.sumocfg],
            bindings,
            factory,
            route: o.route,
            vehicleIds,
            onReady: (endpoints) => o.onEndpointsReady?.(endpoints, url),
          }),
        );
      } else {
        await runControlled({
          target: { kind: 'launch', args: ['-c', sc.sumocfg] },
          bindings,
          factory,
          priority,
          ...(priority ? { onPriority: (m: PriorityMessage) => messages.push(m) } : {}),
        });
      }
      results.push(summarizeEv(await readTripinfo(sc.tripinfoPath), o.evs));
    }
    const [withPriority, withoutPriority] = results as [EvRunSummary, EvRunSummary];
    return { route: o.route, withPriority, withoutPriority, messages, ...(mqtt ? { mqtt } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `f` against the given broker, or against a fresh in-process aedes closed afterwards. */
async function withBroker<T>(url: string | undefined, f: (url: string) => Promise<T>): Promise<T> {
  if (url) return f(url);
  const broker = await startLocalBroker();
  try {
    return await f(broker.url);
  } finally {
    await broker.close();
  }
}

const f1 = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));

export function formatMessage(m: PriorityMessage): string {
  if (m.type === 'announce')
    return `t=${m.atS}s announce ${JSON.stringify({ vehicleId: m.vehicleId, routeId: m.routeId, stops: m.stops })}`;
  if (m.type === 'checkOut')
    return `t=${m.atS}s checkOut ${JSON.stringify({ vehicleId: m.vehicleId, intersection: m.intersection })}`;
  const { vehicleId, routeId, intersection, approach, etaMs } = m;
  return `t=${m.atS}s request  ${JSON.stringify({ vehicleId, routeId, intersection, approach, etaMs })} (${f1(m.distanceM)} m out)`;
}

export function formatEvReport(r: EvTripReport): string {
  const w = r.withPriority;
  const n = r.withoutPriority;
  const gain = ((n.travelS - w.travelS) / n.travelS) * 100;
  const first = r.messages.filter((m) => m.vehicleId === evId(0));
  const row = (label: string, s: EvRunSummary) =>
    `${label}${f1(s.travelS).padStart(9)}${f1(s.delayS).padStart(9)}${s.halts.toFixed(2).padStart(7)}${f1(s.trafficDelayS).padStart(17)}${f1(s.crossDelayS).padStart(22)}`;
  const head = r.mqtt
    ? [
        `route ${r.route.id}: ${r.route.edges.join(' -> ')}; ${w.evs} EV(s), priority over MQTT; commands for ${evId(0)}:`,
        ...mqttCommandsOf(r.mqtt, evId(0)),
        ...formatMqttCounts(r.mqtt),
      ]
    : [
        `route ${r.route.id}: ${r.route.edges.join(' -> ')}; ${w.evs} EV(s), ${r.messages.length} priority messages; those of ${evId(0)}:`,
        ...first.map(formatMessage),
      ];
  return [
    ...head,
    '',
    'mean over EVs     travel s  delay s  halts  traffic delay s  cross-street delay s',
    row('with priority    ', w),
    row('without priority ', n),
    `EV travel time ${gain >= 0 ? `${gain.toFixed(1)}% shorter` : `${(-gain).toFixed(1)}% longer`} with priority`,
  ].join('\n');
}
