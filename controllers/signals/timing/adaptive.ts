import type { IntersectionConfig } from '../config.ts';
import type { TimingPlan as ControllerTimingPlan } from '../types.ts';
import { classifyLength, lengthFromOccupancy, type VehicleClass } from './classify.ts';
import { createCounter, emptyClassCounts, flowRatesPcePerHour, type MovementCounts } from './counts.ts';
import { timingLayoutFromConfig, toControllerPlan } from './from-config.ts';
import { type RetimeBounds, retimePlan, smoothFlows } from './retime.ts';
import type { TimingLayout, TimingPlan } from './types.ts';

export interface AdaptiveOptions extends RetimeBounds {
  /** Retime after this many completed cycles (and then every this many). */
  everyCycles?: number;
  /** Flows are averaged over the last this many cycles before smoothing. */
  windowCycles?: number;
  /** Max green = planned green × factor, within the phase's configured bounds. */
  maxGreenFactor?: number;
  /** HCM 2010 base saturation flow (pc/h/ln) and protected-left factor f_LT = 0.95. */
  satFlowPcphpl?: number;
  /** Speed assumed by single-loop classification (m/s); a loop measures time, not speed. */
  assumedSpeedMps?: number;
  /** Loop length used to recover vehicle length (m). */
  loopLengthM?: number;
}

/** What the controller's cycle measures say about one phase (CycleMeasures.phases[id]). */
export interface PhaseServed {
  greenMs: number;
  greenOccupancy: number;
  maxOuts: number;
}

export interface RetimeDecision {
  atMs: number;
  flowsPcePerHour: Record<string, number>;
  plan: TimingPlan;
  controllerPlan: ControllerTimingPlan;
}

const DEFAULTS = {
  everyCycles: 3,
  windowCycles: 6,
  maxGreenFactor: 1.1,
  satFlowPcphpl: 1900,
  assumedSpeedMps: 50 / 3.6,
  loopLengthM: 1.8,
  alpha: 0.5,
};

/** Phase key used for counts: movements are counted per serving phase. */
const key = (phase: number) => `P${phase}`;

/** Lanes per phase: distinct `lane` numbers among its detectors (at least one). */
function lanesOf(cfg: IntersectionConfig, phase: number): number {
  const lanes = new Set(
    cfg.detectors.filter((d) => d.kind !== 'pedButton' && d.calls.includes(phase)).map((d) => d.lane ?? 1),
  );
  return Math.max(1, lanes.size);
}

/**
 * The "smart intersection" layer: classifies vehicles on count loops (length from occupancy),
 * counts them by phase and class per cycle and per 15 minutes, and every few cycles retimes max
 * greens with an adaptive Webster plan on the smoothed measured flows. Pure: detector edges and
 * cycle boundaries come in with their timestamps; plans go out for `applyTiming`.
 */
export function createAdaptiveTiming(cfg: IntersectionConfig, options: AdaptiveOptions = {}) {
  const o = { ...DEFAULTS, ...options };
  const layout: TimingLayout = timingLayoutFromConfig(cfg);
  const counter = createCounter();
  const byId = new Map(cfg.detectors.map((d) => [d.id, d]));
  const onSince = new Map<string, number>();
  // Count stations count every vehicle; phases without one are estimated from stop-bar arrivals.
  const counted = new Set(cfg.detectors.filter((d) => d.kind === 'count').flatMap((d) => d.calls));
  const service = Object.fromEntries(
    layout.phases.map((p) => {
      const plan = cfg.phases.find((q) => q.id === p.id)!;
      const f = plan.movement === 'left' ? 0.95 : plan.movement === 'right' ? 0.85 : 1;
      return [key(p.id), { phase: p.id, satFlowPcePerHour: o.satFlowPcphpl * f * lanesOf(cfg, p.id) }];
    }),
  );
  let plan: TimingPlan = {
    cycleS: 0,
    greensS: Object.fromEntries(
      cfg.phases.filter((p) => p.timed).map((p) => [p.id, p.maxGreenMs / 1000 / o.maxGreenFactor]),
    ),
    offsetS: 0,
  };
  let smoothed: Record<string, number> | undefined;
  let cycles = 0;
  const decisions: RetimeDecision[] = [];
  const classes: Record<string, Record<VehicleClass, number>> = {};

  // Phases without a count station (protected lefts with only a stop-bar loop): a loop held by a
  // queue cannot count, so demand is estimated from what the green served — occupied green time
  // over the saturation headway — raised 15% after a max-out, when demand exceeded service.
  const served: { spanMs: number; pce: Record<string, number> }[] = [];
  const servedEstimate = (measures: Record<number, PhaseServed>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const p of layout.phases) {
      const m = measures[p.id];
      if (counted.has(p.id) || !m) continue;
      const sat = service[key(p.id)]!.satFlowPcePerHour;
      out[key(p.id)] = (((m.greenMs / 1000) * m.greenOccupancy * sat) / 3600) * (m.maxOuts > 0 ? 1.15 : 1);
    }
    return out;
  };
  const servedFlows = (): Record<string, number> => {
    const window = served.slice(-o.windowCycles);
    const spanMs = window.reduce((a, w) => a + w.spanMs, 0);
    const out: Record<string, number> = {};
    if (spanMs <= 0) return out;
    for (const w of window) for (const [k, v] of Object.entries(w.pce)) out[k] = (out[k] ?? 0) + v;
    for (const k of Object.keys(out)) out[k] = (out[k]! * 3_600_000) / spanMs;
    return out;
  };

  const vehicle = (phase: number, cls: VehicleClass, tMs: number) => {
    counter.record(key(phase), cls, tMs);
    const c = classes[key(phase)] ?? emptyClassCounts();
    c[cls] += 1;
    classes[key(phase)] = c;
  };

  return {
    /** A detector edge (same stream the controller sees). */
    edge(id: string, on: boolean, tMs: number): void {
      const d = byId.get(id);
      if (!d || d.calls.length === 0) return;
      if (on) {
        onSince.set(id, tMs);
        return;
      }
      const since = onSince.get(id);
      onSince.delete(id);
      if (d.kind !== 'count' || since === undefined) return;
      const cls = classifyLength(lengthFromOccupancy(o.assumedSpeedMps, (tMs - since) / 1000, o.loopLengthM));
      for (const p of d.calls) vehicle(p, cls, tMs);
    },
    /** Cycle boundary from the controller; returns a plan to apply when it is time to retime. */
    cycle(endMs: number, measures: Record<number, PhaseServed> = {}): RetimeDecision | undefined {
      const done = counter.closeCycle(endMs);
      served.push({ spanMs: done.endMs - done.startMs, pce: servedEstimate(measures) });
      cycles += 1;
      if (cycles < o.everyCycles || cycles % o.everyCycles !== 0) return undefined;
      const flows = { ...flowRatesPcePerHour(counter.cycles(), o.windowCycles), ...servedFlows() };
      smoothed = smoothFlows(smoothed, flows, o.alpha);
      const r = retimePlan(layout, plan, smoothed, service, o);
      if (!r.ok) return undefined;
      plan = r.value;
      const decision = {
        atMs: endMs,
        flowsPcePerHour: { ...smoothed },
        plan,
        controllerPlan: toControllerPlan(cfg, plan, o.maxGreenFactor),
      };
      decisions.push(decision);
      return decision;
    },
    decisions: (): readonly RetimeDecision[] => decisions,
    /** Vehicles by phase and class since start. */
    classCounts: (): MovementCounts => structuredClone(classes),
    /** Counts per 15-minute bin. */
    bins: () => counter.bins(),
  };
}
