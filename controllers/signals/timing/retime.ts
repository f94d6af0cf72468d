import { websterPlan, type WebsterOptions } from './webster.ts';
import type { Result, TimingLayout, TimingPlan } from './types.ts';

/** Which phase serves a movement and at what saturation flow (PCE/h, all its lanes). */
export interface MovementService {
  phase: number;
  satFlowPcePerHour: number;
}

export interface RetimeBounds extends WebsterOptions {
  /** Largest change of any green per retiming step (s); damps oscillation. */
  maxStepS?: number;
  /** Exponential smoothing weight of the newest flow estimate, 0..1. */
  alpha?: number;
}

/** Critical flow ratio per phase: the highest v/s among the movements it serves. */
export function phaseFlowRatios(
  flows: Record<string, number>,
  service: Record<string, MovementService>,
): Record<number, number> {
  const y: Record<number, number> = {};
  for (const [m, s] of Object.entries(service)) {
    const ratio = (flows[m] ?? 0) / s.satFlowPcePerHour;
    y[s.phase] = Math.max(y[s.phase] ?? 0, ratio);
  }
  return y;
}

/** Exponentially smoothed flows: newest weighted `alpha`. */
export function smoothFlows(
  prev: Record<string, number> | undefined,
  next: Record<string, number>,
  alpha: number,
): Record<string, number> {
  if (!prev) return { ...next };
  const out: Record<string, number> = {};
  for (const m of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    out[m] = alpha * (next[m] ?? 0) + (1 - alpha) * (prev[m] ?? 0);
  }
  return out;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Adaptive Webster retiming: Webster plan on measured (smoothed) flows, each green clamped to the
 * phase's [minGreenS, maxGreenS] and moved at most `maxStepS` from the running plan. The result
 * serves as the new split/max-green plan, applied by the controller at a cycle boundary.
 */
export function retimePlan(
  layout: TimingLayout,
  current: TimingPlan,
  flows: Record<string, number>,
  service: Record<string, MovementService>,
  bounds: RetimeBounds = {},
): Result<TimingPlan> {
  const target = websterPlan(layout, phaseFlowRatios(flows, service), bounds);
  if (!target.ok) return target;
  const step = bounds.maxStepS ?? 5;
  const greensS: Record<number, number> = {};
  for (const p of layout.phases) {
    const want = target.value.plan.greensS[p.id] ?? p.minGreenS;
    const was = current.greensS[p.id] ?? want;
    greensS[p.id] =
      Math.round(clamp(clamp(want, was - step, was + step), p.minGreenS, p.maxGreenS) * 10) / 10;
  }
  return { ok: true, value: { cycleS: cycleOf(layout, greensS), greensS, offsetS: current.offsetS } };
}

/** Cycle length implied by greens: Σ over barriers of the longest ring. */
export function cycleOf(layout: TimingLayout, greensS: Record<number, number>): number {
  const byId = new Map(layout.phases.map((p) => [p.id, p]));
  let c = 0;
  for (const members of layout.barriers) {
    const set = new Set(members);
    let d = 0;
    for (const ring of layout.rings) {
      const sum = ring
        .filter((p) => set.has(p))
        .reduce((s, p) => s + (greensS[p] ?? 0) + byId.get(p)!.yellowS + byId.get(p)!.allRedS, 0);
      d = Math.max(d, sum);
    }
    c += d;
  }
  return Math.round(c * 10) / 10;
}
