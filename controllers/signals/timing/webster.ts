import { clearanceS, phaseById, ringPhasesInBarrier, validateRingBarrier } from './ring.ts';
import type { PhaseTiming, Result, TimingLayout, TimingPlan } from './types.ts';

export interface WebsterOptions {
  minCycleS?: number;
  maxCycleS?: number;
  /** Start-up lost time per phase, l1 (HCM 2010 default 2.0 s). */
  startupLostS?: number;
  /** Extension of effective green into yellow, e (HCM 2010 default 2.0 s). */
  extensionS?: number;
}

export interface WebsterResult {
  plan: TimingPlan;
  /** Sum of critical flow ratios along the critical ring path. */
  criticalY: number;
  /** Lost time per cycle along the critical path (s). */
  lostTimeS: number;
  /** Unclamped Webster optimum (s); Infinity when Y >= 1. */
  optimumCycleS: number;
}

const DEFAULTS = { minCycleS: 40, maxCycleS: 150, startupLostS: 2, extensionS: 2 };

/** Lost time of one phase: l1 + l2, with l2 = Y + AR − e (HCM 2010 eq. 31-?; Webster 1958). */
export function phaseLostS(p: PhaseTiming, o: Required<WebsterOptions>): number {
  return o.startupLostS + Math.max(0, clearanceS(p) - o.extensionS);
}

/** Webster (1958) optimum cycle: C0 = (1.5 L + 5) / (1 − Y). */
export function websterCycleS(lostTimeS: number, criticalY: number): number {
  if (criticalY >= 1) return Number.POSITIVE_INFINITY;
  return (1.5 * lostTimeS + 5) / (1 - criticalY);
}

interface BarrierCritical {
  y: number;
  lostS: number;
}

/** Per barrier group, the ring with the highest Σy (ties → more lost time) is critical. */
function barrierCriticals(layout: TimingLayout, y: Record<number, number>, o: Required<WebsterOptions>) {
  const byId = phaseById(layout);
  return layout.barriers.map((_, b): BarrierCritical => {
    let best: BarrierCritical = { y: 0, lostS: 0 };
    layout.rings.forEach((_r, r) => {
      const ps = ringPhasesInBarrier(layout, r, b);
      const sy = ps.reduce((s, p) => s + (y[p] ?? 0), 0);
      const sl = ps.reduce((s, p) => s + phaseLostS(byId.get(p)!, o), 0);
      if (sy > best.y || (sy === best.y && sl > best.lostS)) best = { y: sy, lostS: sl };
    });
    return best;
  });
}

/** Share `total` among keys ∝ weight, equally when all weights are zero. */
function share(keys: number[], weight: (k: number) => number, total: number): Map<number, number> {
  const sum = keys.reduce((s, k) => s + weight(k), 0);
  return new Map(keys.map((k) => [k, sum > 0 ? (total * weight(k)) / sum : total / keys.length]));
}

/**
 * Raises phases below their minimum green, taking the time from the others ∝ their surplus.
 * Returns the greens; their sum may exceed `total` when the minimums alone do not fit.
 */
export function enforceMinGreens(
  greens: Map<number, number>,
  mins: Map<number, number>,
): Map<number, number> {
  const out = new Map(greens);
  const total = [...greens.values()].reduce((a, b) => a + b, 0);
  for (let guard = 0; guard < out.size + 1; guard++) {
    const low = [...out.keys()].filter((k) => out.get(k)! < mins.get(k)! - 1e-9);
    if (low.length === 0) break;
    for (const k of low) out.set(k, mins.get(k)!);
    const fixed = new Set(low);
    const free = [...out.keys()].filter((k) => !fixed.has(k) && out.get(k)! > mins.get(k)!);
    const excess = [...out.values()].reduce((a, b) => a + b, 0) - total;
    const surplus = free.reduce((s, k) => s + out.get(k)! - mins.get(k)!, 0);
    if (surplus <= 0) break;
    const take = Math.min(excess, surplus);
    for (const k of free) out.set(k, out.get(k)! - (take * (out.get(k)! - mins.get(k)!)) / surplus);
  }
  return out;
}

/** Displayed greens for each ring of one barrier, given the barrier's duration. */
function barrierGreens(
  layout: TimingLayout,
  b: number,
  durationS: number,
  y: Record<number, number>,
  o: Required<WebsterOptions>,
): Map<number, number> {
  const byId = phaseById(layout);
  const greens = new Map<number, number>();
  layout.rings.forEach((_r, r) => {
    const ps = ringPhasesInBarrier(layout, r, b);
    if (ps.length === 0) return;
    const lost = ps.reduce((s, p) => s + phaseLostS(byId.get(p)!, o), 0);
    const eff = share(ps, (p) => y[p] ?? 0, Math.max(0, durationS - lost));
    // Displayed G = g − l1 + e (effective green back to displayed green, HCM 2010).
    const shown = new Map(ps.map((p) => [p, eff.get(p)! + o.startupLostS - o.extensionS]));
    const clamped = enforceMinGreens(shown, new Map(ps.map((p) => [p, byId.get(p)!.minGreenS])));
    for (const [p, g] of clamped) greens.set(p, g);
  });
  return greens;
}

/** Duration of barrier `b` with these greens: the longest ring (all rings cross together). */
function barrierDurationS(layout: TimingLayout, b: number, greens: Map<number, number>): number {
  const byId = phaseById(layout);
  let d = 0;
  layout.rings.forEach((_r, r) => {
    const ps = ringPhasesInBarrier(layout, r, b);
    d = Math.max(
      d,
      ps.reduce((s, p) => s + greens.get(p)! + clearanceS(byId.get(p)!), 0),
    );
  });
  return d;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Webster fixed-time plan for a ring-and-barrier layout from critical flow ratios y = v/s per
 * phase. Cycle from Webster (1958) clamped to [minCycleS, maxCycleS]; effective green ∝ y along
 * the critical path; non-critical rings share their barrier ∝ y; minimum greens honoured.
 */
export function websterPlan(
  layout: TimingLayout,
  y: Record<number, number>,
  opts: WebsterOptions = {},
): Result<WebsterResult> {
  const o = { ...DEFAULTS, ...opts };
  if (layout.phases.length === 0)
    return { ok: false, error: { code: 'TIMING_NO_PHASES', message: 'no phases' } };
  const bad = validateRingBarrier(layout);
  if (bad) return { ok: false, error: { code: 'TIMING_BAD_RING', message: bad } };
  if (Object.values(y).some((v) => !(v >= 0))) {
    return { ok: false, error: { code: 'TIMING_BAD_FLOW', message: 'flow ratios must be >= 0' } };
  }
  const crit = barrierCriticals(layout, y, o);
  const Y = crit.reduce((s, c) => s + c.y, 0);
  const L = crit.reduce((s, c) => s + c.lostS, 0);
  const optimumCycleS = websterCycleS(L, Y);
  const cycle = Math.min(o.maxCycleS, Math.max(o.minCycleS, Math.ceil(optimumCycleS)));
  const effTotal = cycle - L;
  const greens = new Map<number, number>();
  crit.forEach((c, b) => {
    const effB = Y > 0 ? (effTotal * c.y) / Y : effTotal / crit.length;
    for (const [p, g] of barrierGreens(layout, b, effB + c.lostS, y, o)) greens.set(p, g);
  });
  // Min greens may lengthen one ring; give the other rings the slack so rings cross together.
  let cycleS = 0;
  layout.barriers.forEach((_, b) => {
    const d = barrierDurationS(layout, b, greens);
    for (const [p, g] of barrierGreens(layout, b, d, y, o)) greens.set(p, g);
    cycleS += barrierDurationS(layout, b, greens);
  });
  const greensS: Record<number, number> = {};
  for (const [p, g] of greens) greensS[p] = round1(g);
  return {
    ok: true,
    value: {
      plan: { cycleS: round1(cycleS), greensS, offsetS: 0 },
      criticalY: Y,
      lostTimeS: L,
      optimumCycleS,
    },
  };
}
