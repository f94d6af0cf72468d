import { SimulatedClock } from 'xstate';
import type { Result } from '../../core/ports/result.ts';
import { DEFAULT_CLASSES, TURN_FACTOR } from './vehicles.ts';
import { createMicrosim, type MicrosimOptions } from './microsim.ts';
import type { SimRecords } from './records.ts';
import type { DemandSpec, SignalPlant, SimError, SimLayout, VehicleClass } from './types.ts';

export interface RunResult {
  records: SimRecords;
  counts: { generated: number; departed: number; inSystem: number };
  /** Wall-clock time of the simulation loop (ms). */
  wallMs: number;
}

/**
 * One complete run: fresh SimulatedClock, the plant built on it, demand over `durationS`, then a
 * drain so every vehicle's delay is known. The controller sees simulated time only.
 */
export function runSimulation(
  opts: MicrosimOptions,
  makePlant: (clock: SimulatedClock) => SignalPlant,
  maxDrainS = 900,
): Result<RunResult, SimError> {
  const clock = new SimulatedClock();
  const plant = makePlant(clock);
  const sim = createMicrosim(opts, clock, plant);
  if (!sim.ok) return sim;
  plant.start();
  const t0 = performance.now();
  sim.value.runToCompletion(maxDrainS);
  const wallMs = performance.now() - t0;
  plant.stop();
  const c = sim.value.counts();
  return {
    ok: true,
    value: {
      records: sim.value.records(),
      counts: { generated: c.generated, departed: c.departed, inSystem: c.inSystem },
      wallMs,
    },
  };
}

/** Mean PCE of the demand's class mix (HCM E_T = 2 for heavy vehicles). */
export function meanPce(demand: DemandSpec): number {
  const classes = Object.keys(DEFAULT_CLASSES) as VehicleClass[];
  const share = (c: VehicleClass) => demand.classMix?.[c] ?? DEFAULT_CLASSES[c].share;
  const total = classes.reduce((s, c) => s + share(c), 0);
  return classes.reduce((s, c) => s + share(c) * DEFAULT_CLASSES[c].pce, 0) / total;
}

/**
 * Critical flow ratio y = v/s per phase from the demand the simulator will generate: each lane
 * group's PCE flow over its saturation flow (HCM turn factors), per lane. Feeds a Webster plan
 * tuned to the very demand of the run — the strongest fair fixed-time baseline.
 */
export function flowRatiosFromDemand(layout: SimLayout, demand: DemandSpec): Record<number, number> {
  const pce = meanPce(demand);
  const y: Record<number, number> = {};
  for (const g of layout.laneGroups) {
    if (g.phase === undefined) continue;
    const lanesY = g.turns.reduce(
      (s, t) =>
        s + ((demand.vehPerHour[`${g.approach}.${t}`] ?? 0) * pce) / (g.satFlowVphpl * TURN_FACTOR[t]),
      0,
    );
    y[g.phase] = Math.max(y[g.phase] ?? 0, lanesY / g.lanes.length);
  }
  return y;
}
