/**
 * Validate a retiming plan against each phase's configured bounds and turn it into max greens (ms).
 * The retiming algorithm itself lives in controllers/signals/timing/ (traffic-sim engineer).
 */
import type { IntersectionConfig } from './config.ts';
import { type FieldIssue, fail, ok, type Result } from './errors.ts';
import type { TimingPlan } from './types.ts';

/** The bounds a plan must respect, per timed phase (seconds), for plan producers. */
export interface TimingBounds {
  phase: number;
  maxGreenS: number;
  maxGreen2S?: number;
  maxGreenBoundsS: [number, number];
  minGreenS: number;
  yellowS: number;
  redClearanceS: number;
}

export function timingBounds(config: IntersectionConfig): TimingBounds[] {
  return config.phases
    .filter((p) => p.timed)
    .map((p) => ({
      phase: p.id,
      maxGreenS: p.maxGreenMs / 1000,
      ...(p.maxGreen2Ms !== undefined ? { maxGreen2S: p.maxGreen2Ms / 1000 } : {}),
      maxGreenBoundsS: [p.maxGreenBoundsMs[0] / 1000, p.maxGreenBoundsMs[1] / 1000],
      minGreenS: p.minGreenMs / 1000,
      yellowS: p.yellowMs / 1000,
      redClearanceS: p.redClearanceMs / 1000,
    }));
}

export function validateTimingPlan(
  config: IntersectionConfig,
  plan: TimingPlan,
): Result<Record<number, number>> {
  const issues: FieldIssue[] = [];
  const out: Record<number, number> = {};
  const timed = new Map(config.phases.filter((p) => p.timed).map((p) => [p.id, p]));
  if (plan.useMax2) for (const p of timed.values()) out[p.id] = p.maxGreen2Ms ?? p.maxGreenMs;
  const check = (field: string, id: number, greenMs: number) => {
    const p = timed.get(id);
    if (!p) return issues.push({ path: `${field}[${id}]`, message: `phase ${id} is not a timed phase` });
    const [lo, hi] = p.maxGreenBoundsMs;
    if (!Number.isFinite(greenMs) || greenMs < lo || greenMs > hi)
      return issues.push({
        path: `${field}[${id}]`,
        message: `max green ${greenMs / 1000} s is outside the bounds [${lo / 1000}, ${hi / 1000}] s`,
      });
    out[id] = Math.round(greenMs);
  };
  for (const [k, v] of Object.entries(plan.maxGreenS ?? {})) check('maxGreenS', Number(k), v * 1000);
  for (const [k, v] of Object.entries(plan.splitsS ?? {})) {
    const p = timed.get(Number(k));
    check('splitsS', Number(k), p ? v * 1000 - p.yellowMs - p.redClearanceMs : Number.NaN);
  }
  if (issues.length > 0) {
    const code = issues.some((i) => i.message.includes('not a timed'))
      ? 'TIMING_UNKNOWN_PHASE'
      : 'TIMING_OUT_OF_BOUNDS';
    return fail(code, issues.map((i) => `${i.path}: ${i.message}`).join('\n'), issues);
  }
  return ok(out);
}
