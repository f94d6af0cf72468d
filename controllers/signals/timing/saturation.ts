/**
 * Saturation mode: gap-out actuation is right while queues clear; once they stop clearing it hands
 * green to whichever phase keeps its detector busy. This layer watches each cycle for saturation —
 * a phase that maxed out with its stop-bar zones occupied through the green (ATSPM split failure
 * uses GOR > 0.79), or two phases maxing out — and after `enterCycles` such cycles switches to
 * per-cycle Webster splits from the measured (served) flows, bounded by min/max green and a
 * maximum cycle (so no movement waits longer than that). After `leaveCycles` calm cycles it puts
 * the configured max greens back: responsive operation again. Pure: cycle measures in, plans out.
 */
import type { IntersectionConfig } from '../config.ts';
import type { CycleMeasures, TimingPlan } from '../types.ts';
import { createAdaptiveTiming } from './adaptive.ts';

export interface SaturationOptions {
  /** Consecutive saturated cycles before switching to splits. */
  enterCycles?: number;
  /** Consecutive calm cycles before returning to the configured max greens. */
  leaveCycles?: number;
  /** Green occupancy at or above which a maxed-out phase counts as saturated (ATSPM GOR 0.79). */
  occupancy?: number;
  /** Longest cycle the splits may build: the bound on any movement's wait, s. */
  maxCycleS?: number;
}

export type SaturationMode = 'responsive' | 'saturated';

export interface SaturationStep {
  readonly mode: SaturationMode;
  /** A plan for `applyTiming` when the mode or the splits change. */
  readonly plan?: TimingPlan;
  readonly saturatedPhases: readonly number[];
}

const DEFAULTS = { enterCycles: 2, leaveCycles: 3, occupancy: 0.79, maxCycleS: 120 };

/** Phases that ran out of green with a queue still standing on the stop bar. */
export function saturatedPhases(m: CycleMeasures, occupancy = DEFAULTS.occupancy): number[] {
  const maxed = Object.entries(m.phases).filter(([, p]) => p.maxOuts > 0);
  const queued = maxed.filter(([, p]) => p.greenOccupancy >= occupancy).map(([id]) => Number(id));
  return queued.length > 0 || maxed.length >= 2 ? maxed.map(([id]) => Number(id)) : [];
}

export function createSaturationControl(cfg: IntersectionConfig, options: SaturationOptions = {}) {
  const o = { ...DEFAULTS, ...options };
  // Retime every cycle on the last 4 cycles' served flows while saturated.
  const adaptive = createAdaptiveTiming(cfg, {
    everyCycles: 1,
    windowCycles: 4,
    maxCycleS: o.maxCycleS,
    minCycleS: 40,
  });
  const configured: TimingPlan = {
    id: 'responsive',
    maxGreenS: Object.fromEntries(cfg.phases.filter((p) => p.timed).map((p) => [p.id, p.maxGreenMs / 1000])),
  };
  let mode: SaturationMode = 'responsive';
  let hot = 0;
  let calm = 0;
  return {
    /** Detector edges (the stream the controller sees), for the flow estimates. */
    edge: (id: string, on: boolean, tMs: number) => adaptive.edge(id, on, tMs),
    /** A cycle ended: update the mode; returns the plan to apply, if any. */
    cycle(m: CycleMeasures): SaturationStep {
      const sat = saturatedPhases(m, o.occupancy);
      const decision = adaptive.cycle(m.endMs, m.phases);
      if (sat.length) {
        hot++;
        calm = 0;
      } else {
        calm++;
        hot = 0;
      }
      if (mode === 'responsive' && hot >= o.enterCycles) mode = 'saturated';
      else if (mode === 'saturated' && calm >= o.leaveCycles) {
        mode = 'responsive';
        return { mode, plan: configured, saturatedPhases: sat };
      }
      if (mode === 'saturated' && decision)
        return { mode, plan: decision.controllerPlan, saturatedPhases: sat };
      return { mode, saturatedPhases: sat };
    },
    mode: (): SaturationMode => mode,
  };
}
