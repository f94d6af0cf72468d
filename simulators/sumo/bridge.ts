/**
 * Runs CityEdge signal controllers against SUMO, one 1 s step at a time: SUMO detectors →
 * `controller.detector`, emergency vehicles → priority requests, the controller's simulated
 * clock advanced by the step, `heads()` → `setRedYellowGreenState` by link index.
 */
import type { SteppableClock } from '../../core/ports/clock.ts';
import { EvPriorityRouter, type PriorityMessage } from './ev-priority.ts';
import { type BridgeIntersection, detectorDomain } from './mapping.ts';
import { headsToState } from './signal-state.ts';
import type { TraciClient } from './traci/client.ts';
import { VAR } from './traci/constants.ts';
import type { SubscriptionResults } from './traci/subscriptions.ts';
import { CityEdgeError } from '../../core/errors.ts';

export type { BridgeIntersection } from './mapping.ts';

export interface BridgeOptions {
  readonly client: TraciClient;
  readonly clock: SteppableClock;
  readonly intersections: readonly BridgeIntersection[];
  /** Stop at this simulation time (s); otherwise run until no vehicles remain. */
  readonly endS?: number;
  /** Turn EV sightings into priority requests (false = same controller without priority). */
  readonly priority?: boolean;
  /** Called after the new state is applied; awaited, so a test can read SUMO back in between. */
  readonly onStep?: (timeS: number) => void | Promise<void>;
  /** Every priority message sent (or, with priority off, that would have been sent). */
  readonly onPriority?: (m: PriorityMessage) => void;
}

export type { PriorityMessage };

export interface BridgeResult {
  readonly steps: number;
  readonly endTimeS: number;
  readonly departed: number;
  readonly arrived: number;
  readonly teleports: number;
  readonly priorityRequests: number;
  readonly checkOuts: number;
  /** Inputs the controller rejected, by error code (should stay empty). */
  readonly rejected: Readonly<Record<string, number>>;
  /** EV ids seen, for the report. */
  readonly emergencyVehicles: readonly string[];
  /** EV time loss at each junction check-out (up to and across the stop line), s. */
  readonly evLossAtCheckOutS: readonly number[];
  /** Safety-monitor alarms (conflict, min green, short yellow/red, permissive without opposing) — must be 0. */
  readonly monitorFaults: number;
  /** Every alarm by kind, detector faults included. */
  readonly alarms: Readonly<Record<string, number>>;
}

const STEP_MS = 1000;
const SIM_VARS = [
  VAR.TIME,
  VAR.DEPARTED_VEHICLES_IDS,
  VAR.ARRIVED_VEHICLES_IDS,
  VAR.TELEPORT_STARTING_VEHICLES_NUMBER,
  VAR.MIN_EXPECTED_VEHICLES,
];

interface Live {
  readonly x: BridgeIntersection;
  readonly linkCount: number;
  state: string;
  readonly presence: Map<string, boolean>;
}

export async function runBridge(o: BridgeOptions): Promise<BridgeResult> {
  const { client, clock } = o;
  const rejected: Record<string, number> = {};
  const count = (r: { ok: boolean; error?: { code: string } }) => {
    if (!r.ok && r.error) rejected[r.error.code] = (rejected[r.error.code] ?? 0) + 1;
  };
  const live = await setUp(o);
  const alarms: Record<string, number> = {};
  let monitorFaults = 0;
  const unsubscribe = live.map((l) =>
    l.x.controller.onAlarm((a) => {
      alarms[a.kind] = (alarms[a.kind] ?? 0) + 1;
      if (!a.kind.startsWith('detector')) monitorFaults++;
    }),
  );
  const router = new EvPriorityRouter(client, o.intersections, o.priority !== false, count, o.onPriority);
  const totals = { steps: 0, departed: 0, arrived: 0, teleports: 0 };
  let timeS = 0;

  for (const l of live) l.x.controller.start();
  await applyHeads(client, live);
  for (;;) {
    const res = await client.simulationStep();
    totals.steps++;
    timeS = res.number('simulation', '', VAR.TIME) ?? timeS + 1;
    const departed = list(res, VAR.DEPARTED_VEHICLES_IDS);
    totals.departed += departed.length;
    totals.arrived += list(res, VAR.ARRIVED_VEHICLES_IDS).length;
    totals.teleports += res.number('simulation', '', VAR.TELEPORT_STARTING_VEHICLES_NUMBER) ?? 0;
    router.arrived(list(res, VAR.ARRIVED_VEHICLES_IDS));
    await router.departed(departed, timeS);
    for (const l of live) feedDetectors(l, res, count);
    router.route(res, clock.now(), timeS);
    clock.increment(STEP_MS);
    await applyHeads(client, live);
    await o.onStep?.(timeS);
    const expected = res.number('simulation', '', VAR.MIN_EXPECTED_VEHICLES) ?? 0;
    if ((o.endS !== undefined && timeS >= o.endS) || expected === 0) break;
  }
  for (const l of live) l.x.controller.stop();
  for (const u of unsubscribe) u();
  return {
    monitorFaults,
    alarms,
    steps: totals.steps,
    endTimeS: timeS,
    departed: totals.departed,
    arrived: totals.arrived,
    teleports: totals.teleports,
    priorityRequests: router.requests,
    checkOuts: router.checkOuts,
    rejected,
    emergencyVehicles: router.seen,
    evLossAtCheckOutS: router.lossAtCheckOutS,
  };
}

/** Validates link indices against SUMO and subscribes to every mapped detector. */
async function setUp(o: BridgeOptions): Promise<Live[]> {
  const live: Live[] = [];
  for (const x of o.intersections) {
    const m = x.binding.mapping;
    const links = await o.client.trafficLight.getControlledLinks(m.tls);
    const bad = Object.entries(m.signalGroups).flatMap(([g, idx]) =>
      idx.filter((i) => i >= links.length).map((i) => `${g}:${i}`),
    );
    if (bad.length) {
      throw new CityEdgeError(
        'SIM_SUMO_MAPPING_INVALID',
        `TLS ${m.tls} has ${links.length} links; mapped beyond: ${bad.join(', ')}`,
      );
    }
    for (const dets of Object.values(m.detectors)) {
      for (const d of dets) await o.client.subscribe(detectorDomain(d), d.id, [VAR.LAST_STEP_VEHICLE_NUMBER]);
    }
    live.push({ x, linkCount: links.length, state: '', presence: new Map() });
  }
  await o.client.subscribe('simulation', '', SIM_VARS);
  return live;
}

function feedDetectors(
  l: Live,
  res: SubscriptionResults,
  count: (r: { ok: boolean; error?: { code: string } }) => void,
): void {
  for (const [id, dets] of Object.entries(l.x.binding.mapping.detectors)) {
    const on = dets.some((d) => (res.number(detectorDomain(d), d.id, VAR.LAST_STEP_VEHICLE_NUMBER) ?? 0) > 0);
    if (l.presence.get(id) === on) continue;
    l.presence.set(id, on);
    count(l.x.controller.detector(id, on));
  }
}

async function applyHeads(client: TraciClient, live: readonly Live[]): Promise<void> {
  for (const l of live) {
    const state = headsToState(l.x.controller.heads(), l.x.binding.mapping.signalGroups, l.linkCount);
    if (state === l.state) continue;
    l.state = state;
    await client.trafficLight.setRedYellowGreenState(l.x.binding.mapping.tls, state);
  }
}

function list(res: SubscriptionResults, variable: number): string[] {
  const v = res.get('simulation', '', variable);
  return Array.isArray(v) ? (v as string[]) : [];
}
