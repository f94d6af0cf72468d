import { createDetectorBank, type DetectorBank } from './detectors.ts';
import {
  earliestDeparture,
  evDeparture,
  JAM_GAP_M,
  type Lane,
  makeLane,
  MIN_FOLLOW_S,
  permissionOf,
  QUEUE_PASS_MPS,
  queueMovingAt,
  satHeadwayS,
  setPermission,
  STOP_DELAY_S,
  type Veh,
} from './lanes.ts';
import { buildRecords, type SimRecords } from './records.ts';
import type { DemandSpec, EmergencySpec, LaneGroup, SignalPlant, SimError, SimLayout } from './types.ts';
import { type Arrival, generateArrivals, generatePeds } from './vehicles.ts';
import type { SteppableClock } from '../../core/ports/clock.ts';
import type { Result } from '../../core/ports/result.ts';

export interface MicrosimOptions {
  layout: SimLayout;
  demand: DemandSpec;
  seed: number;
  /** Arrivals are generated over [0, durationS). */
  durationS: number;
  stepMs?: number;
  emergencies?: EmergencySpec[];
  /** Vehicles entering before this are excluded from the statistics (s). */
  warmupS?: number;
}

/** Rear of a vehicle leaving the stop line from rest: √(2·(L + loop)/a), a ≈ 2 m/s² (HCM start-up). */
const clearFromRestS = (lengthM: number, loopM: number) => Math.sqrt((2 * (lengthM + loopM)) / 2);

export type Microsim = ReturnType<typeof buildMicrosim>;

/**
 * Creates a simulation run. The plant factory receives the shared clock; the simulator advances
 * that clock, so controller timers (xstate `after`) fire in simulated time.
 */
export function createMicrosim(
  opts: MicrosimOptions,
  clock: SteppableClock,
  plant: SignalPlant,
): Result<Microsim, SimError> {
  const arrivals = generateArrivals(opts.demand, opts.seed, opts.durationS);
  const groupFor = new Map<string, LaneGroup>();
  for (const g of opts.layout.laneGroups) for (const t of g.turns) groupFor.set(`${g.approach}.${t}`, g);
  for (const m of Object.keys(opts.demand.vehPerHour)) {
    if (!groupFor.has(m) && (opts.demand.vehPerHour[m] ?? 0) > 0) {
      return { ok: false, error: { code: 'SIM_UNKNOWN_MOVEMENT', message: `no lane group serves ${m}` } };
    }
  }
  for (const e of opts.emergencies ?? []) {
    if (!groupFor.has(e.movement)) {
      return {
        ok: false,
        error: { code: 'SIM_UNKNOWN_MOVEMENT', message: `no lane group serves EV ${e.movement}` },
      };
    }
  }
  return { ok: true, value: buildMicrosim(opts, clock, plant, arrivals, groupFor) };
}

function evArrivals(opts: MicrosimOptions, groupFor: Map<string, LaneGroup>, firstId: number): Arrival[] {
  return (opts.emergencies ?? []).map((e, i) => {
    const g = groupFor.get(e.movement)!;
    const [approach = '', turn = 'through'] = e.movement.split('.');
    const tFf = e.appearAtS + e.distanceM / e.speedMps;
    return {
      id: firstId + i,
      movement: e.movement,
      approach,
      turn: turn as Arrival['turn'],
      cls: 'van' as const,
      lengthM: 6.5,
      speedFactor: e.speedMps / g.speedMps,
      tEnterS: Math.max(e.appearAtS, tFf - g.approachLengthM / e.speedMps),
      runDraw: 1,
      ev: e.vehicleId,
      evYields: e.queueYields ?? true,
    };
  });
}

function buildMicrosim(
  opts: MicrosimOptions,
  clock: SteppableClock,
  plant: SignalPlant,
  generated: Arrival[],
  groupFor: Map<string, LaneGroup>,
) {
  const stepMs = opts.stepMs ?? 100;
  const redRunShare = opts.demand.redRunShare ?? 0.02;
  const arrivals = [...generated, ...evArrivals(opts, groupFor, generated.length)].sort(
    (a, b) => a.tEnterS - b.tEnterS || a.id - b.id,
  );
  const lanesOf = new Map<string, Lane[]>();
  for (const g of opts.layout.laneGroups)
    lanesOf.set(
      g.id,
      g.lanes.map((_, i) => makeLane(g, i)),
    );
  const allLanes = [...lanesOf.values()].flat();
  const opposingOf = new Map<Lane, Lane[]>(
    allLanes.map((l) => [l, l.group.opposing.flatMap((id) => lanesOf.get(id) ?? [])]),
  );
  const detIds = opts.layout.laneGroups.flatMap((g) => g.lanes.flatMap((l) => l.detectors.map((d) => d.id)));
  const pedIds = opts.layout.crosswalks.flatMap((c) => c.buttonIds);
  const bank: DetectorBank = createDetectorBank([...detIds, ...pedIds], (id, on, tS) => {
    const target = Math.ceil(tS * 1000);
    if (target > clock.now()) clock.increment(target - clock.now());
    plant.detector(id, on);
  });
  const peds = generatePeds(opts.demand, opts.seed, opts.durationS);
  const pedWaiting = new Map<string, number[]>(opts.layout.crosswalks.map((c) => [c.id, []]));
  const pedDelays: number[] = [];
  const departed: Veh[] = [];
  const evSpecs = new Map((opts.emergencies ?? []).map((e) => [e.vehicleId, e]));
  const evNextUpdate = new Map<string, number>();
  let nextArrival = 0;
  let nextPed = 0;
  let entered = 0;

  const pickLane = (a: Arrival, lanes: Lane[]): Lane => {
    // Right turns use the kerb lane (last); others the lane with fewest vehicles not yet out.
    if (a.turn === 'right') return lanes[lanes.length - 1]!;
    let best = lanes[0]!;
    for (const l of lanes) if (l.vehs.length - l.head < best.vehs.length - best.head) best = l;
    return best;
  };

  const admit = (a: Arrival) => {
    const g = groupFor.get(a.movement)!;
    const lanes = lanesOf.get(g.id)!;
    const lane = pickLane(a, lanes);
    const speedMps = g.speedMps * a.speedFactor;
    const tFfS = a.tEnterS + g.approachLengthM / speedMps;
    const prev = lane.vehs[lane.vehs.length - 1];
    const yields = a.evYields === true;
    const tArrS = prev && !yields ? Math.max(tFfS, prev.tArrS + MIN_FOLLOW_S) : tFfS;
    const v: Veh = { ...a, lane, speedMps, tFfS, tArrS, stopped: false, violation: false };
    if (yields) lane.evs.push(v);
    else lane.vehs.push(v);
    entered += 1;
    for (const d of g.lanes[lane.index]!.detectors) {
      if (d.role === 'stopBar') continue;
      // Front reaches the detector's upstream edge, rear leaves its downstream edge.
      const on = tArrS - (d.distanceM + d.lengthM) / speedMps;
      bank.pulse(d.id, on, on + (d.lengthM + v.lengthM) / speedMps);
    }
  };

  const depart = (v: Veh, depS: number, violation: boolean) => {
    const lane = v.lane;
    v.depS = depS;
    v.violation = violation;
    v.stopped = depS - v.tArrS >= STOP_DELAY_S;
    if (v.evYields) {
      lane.evs.splice(lane.evs.indexOf(v), 1);
    } else {
      lane.lastDepS = depS;
      lane.head += 1;
      if (lane.perm !== 'stop') lane.busyS += satHeadwayS(v, lane.group);
      // The queue moves up one place: a loop it covers sees one vehicle pass at queue speed.
      for (const d of lane.group.lanes[lane.index]!.detectors) {
        if (d.role === 'advance' && lane.queueM >= d.distanceM && queueMovingAt(lane, d.distanceM, depS)) {
          bank.pulse(d.id, depS, depS + (v.lengthM + d.lengthM) / QUEUE_PASS_MPS);
        }
      }
      lane.queueM -= v.lengthM + JAM_GAP_M;
    }
    for (const d of lane.group.lanes[lane.index]!.detectors) {
      if (d.role !== 'stopBar') continue;
      const from = v.stopped ? depS : depS - d.lengthM / v.speedMps;
      bank.pulse(d.id, from, depS + (v.stopped ? clearFromRestS(v.lengthM, 0) : v.lengthM / v.speedMps));
    }
    departed.push(v);
    if (v.ev !== undefined) plant.checkOut(v.ev);
  };

  const dischargeLane = (lane: Lane, tS: number, t1S: number) => {
    while (lane.ready < lane.vehs.length && lane.vehs[lane.ready]!.tArrS < t1S) {
      const v = lane.vehs[lane.ready]!;
      lane.queueM += v.lengthM + JAM_GAP_M;
      lane.ready += 1;
    }
    for (const ev of lane.evs.length > 0 ? [...lane.evs] : lane.evs) {
      const dep = ev.tArrS < t1S ? evDeparture(ev, lane, tS) : undefined;
      if (dep !== undefined && dep < t1S) depart(ev, dep, false);
    }
    const opposing = opposingOf.get(lane)!;
    while (lane.head < lane.ready) {
      const v = lane.vehs[lane.head]!;
      const d = earliestDeparture(v, lane, tS, opposing, redRunShare);
      if (d === undefined || d.depS >= t1S) break;
      depart(v, d.depS, d.violation);
    }
    lane.maxQueue = Math.max(lane.maxQueue, lane.ready - lane.head);
    if (lane.perm === 'go' || lane.perm === 'permissive') lane.greenS += t1S - tS;
  };

  const updateHeld = (t1S: number) => {
    for (const lane of allLanes) {
      for (const d of lane.group.lanes[lane.index]!.detectors) {
        if (d.role === 'stopBar') bank.setHeld(d.id, lane.ready > lane.head, t1S);
        else if (d.role === 'advance') {
          // A standing queue holds the loop on; once the queue over it moves, it pulses (depart).
          bank.setHeld(d.id, lane.queueM >= d.distanceM && !queueMovingAt(lane, d.distanceM, t1S), t1S);
        }
      }
    }
  };

  const servePeds = (heads: Readonly<Record<string, string>>, tS: number, t1S: number) => {
    for (; nextPed < peds.length && peds[nextPed]!.tS < t1S; nextPed++) {
      const p = peds[nextPed]!;
      const cw = opts.layout.crosswalks.find((c) => c.id === p.crosswalk);
      if (!cw) continue;
      pedWaiting.get(cw.id)!.push(p.tS);
      for (const b of cw.buttonIds) bank.pulse(b, p.tS, p.tS + 0.3);
    }
    for (const cw of opts.layout.crosswalks) {
      const waiting = pedWaiting.get(cw.id)!;
      if (waiting.length > 0 && heads[cw.signalGroup] === 'walk') {
        for (const t of waiting) pedDelays.push(Math.max(0, tS - t));
        waiting.length = 0;
      }
    }
  };

  const updateEvs = (tS: number) => {
    for (const [id, e] of evSpecs) {
      if (tS < e.appearAtS) continue;
      const v = departed.find((d) => d.ev === id);
      if (v) {
        evSpecs.delete(id);
        continue;
      }
      if (tS < (evNextUpdate.get(id) ?? e.appearAtS)) continue;
      evNextUpdate.set(id, tS + (e.updateEveryS ?? 2));
      const g = groupFor.get(e.movement)!;
      plant.requestPriority({
        vehicleId: id,
        approach: g.approach,
        ...(g.phase !== undefined ? { phase: g.phase } : {}),
        etaMs: Math.round((e.appearAtS + e.distanceM / e.speedMps) * 1000),
      });
    }
  };

  /** Advances one step: read heads, admit, discharge, update detectors, advance the clock. */
  const step = () => {
    const tMs = clock.now();
    const tS = tMs / 1000;
    const t1S = (tMs + stepMs) / 1000;
    const heads = plant.heads();
    for (const lane of allLanes) setPermission(lane, permissionOf(heads[lane.group.signalGroup]), tS);
    updateEvs(tS);
    for (; nextArrival < arrivals.length && arrivals[nextArrival]!.tEnterS < t1S; nextArrival++) {
      admit(arrivals[nextArrival]!);
    }
    servePeds(heads, tS, t1S);
    for (const lane of allLanes) dischargeLane(lane, tS, t1S);
    // Pulses first, so a departing queue's last vehicle hands over without an off/on flicker.
    bank.flush(t1S);
    updateHeld(t1S);
    const end = tMs + stepMs;
    if (end > clock.now()) clock.increment(end - clock.now());
  };

  const inSystem = () => allLanes.reduce((s, l) => s + l.vehs.length - l.head + l.evs.length, 0);
  const queued = () => allLanes.reduce((s, l) => s + l.ready - l.head, 0);

  return {
    step,
    /** Runs until simulated time `tS`. */
    runUntil(tS: number) {
      while (clock.now() < tS * 1000) step();
    },
    /** Runs to the end of the demand period, then drains until empty or `maxDrainS` more. */
    runToCompletion(maxDrainS = 900) {
      this.runUntil(opts.durationS);
      const limit = clock.now() + maxDrainS * 1000;
      while ((inSystem() > 0 || nextArrival < arrivals.length) && clock.now() < limit) step();
    },
    counts: () => ({
      generated: arrivals.length,
      entered,
      departed: departed.length,
      inSystem: inSystem(),
      queued: queued(),
    }),
    lanes: () => allLanes,
    records: (): SimRecords =>
      buildRecords(departed, allLanes, pedDelays, opts.warmupS ?? 0, inSystem(), bank.edgeCount()),
    departed: (): readonly Veh[] => departed,
  };
}
