import { describe, expect, it } from 'vitest';
import { nemaEightPhase, twoPhase } from './fixtures.ts';
import { effectiveCycleS } from './fixed-time.ts';
import { enforceMinGreens, websterCycleS, websterPlan } from './webster.ts';

describe('websterCycleS', () => {
  it('matches C0 = (1.5 L + 5)/(1 − Y) (Webster 1958)', () => {
    // L = 12 s, Y = 0.6 → (18 + 5)/0.4 = 57.5 s
    expect(websterCycleS(12, 0.6)).toBeCloseTo(57.5, 6);
    expect(websterCycleS(10, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('websterPlan', () => {
  it('reproduces the worked two-phase example', () => {
    // Critical y: barrier 1 max(0.35, 0.30) = 0.35; barrier 2 max(0.25, 0.20) = 0.25 → Y = 0.60.
    // Lost per phase = l1 + (Y + AR − e) = 2 + (5 − 2) = 5 s; L = 10 s; C0 = (15 + 5)/0.4 = 50 s.
    // Effective green 40 s split 0.35 : 0.25 → 23.3 s and 16.7 s; displayed G = g − l1 + e = g.
    const r = websterPlan(twoPhase(), { 2: 0.35, 6: 0.3, 4: 0.25, 8: 0.2 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.criticalY).toBeCloseTo(0.6, 9);
    expect(r.value.lostTimeS).toBe(10);
    expect(r.value.optimumCycleS).toBeCloseTo(50, 9);
    expect(r.value.plan.cycleS).toBeCloseTo(50, 1);
    expect(r.value.plan.greensS[2]).toBeCloseTo(23.3, 1);
    expect(r.value.plan.greensS[4]).toBeCloseTo(16.7, 1);
    // Phase 6 shares the barrier with 2 and gets the same time.
    expect(r.value.plan.greensS[6]).toBeCloseTo(23.3, 1);
  });

  it('clamps the cycle to its bounds and flags oversaturation by an infinite optimum', () => {
    const r = websterPlan(twoPhase(), { 2: 0.6, 4: 0.5 }, { maxCycleS: 120 });
    expect(r.ok && r.value.optimumCycleS).toBe(Number.POSITIVE_INFINITY);
    expect(r.ok && r.value.plan.cycleS).toBeCloseTo(120, 1);
    const low = websterPlan(twoPhase(), { 2: 0.01, 4: 0.01 }, { minCycleS: 60 });
    expect(low.ok && low.value.plan.cycleS).toBeCloseTo(60, 1);
  });

  it('honours minimum greens and keeps both rings crossing each barrier together', () => {
    const layout = nemaEightPhase();
    const r = websterPlan(layout, { 1: 0.01, 2: 0.4, 3: 0.02, 4: 0.2, 5: 0.05, 6: 0.3, 7: 0.01, 8: 0.25 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const p of layout.phases) expect(r.value.plan.greensS[p.id]).toBeGreaterThanOrEqual(p.minGreenS);
    // Ring sums per barrier equal → the plan's cycle is what the controller will actually run.
    expect(effectiveCycleS(layout, r.value.plan)).toBeCloseTo(r.value.plan.cycleS, 0);
    // Heavier through gets more green than the lighter one in the same barrier.
    expect(r.value.plan.greensS[2]!).toBeGreaterThan(r.value.plan.greensS[6]! - 1e-9);
  });

  it('rejects bad input as error values', () => {
    const bad = websterPlan({ phases: [], rings: [], barriers: [] }, {});
    expect(bad.ok === false && bad.error.code).toBe('TIMING_NO_PHASES');
    const neg = websterPlan(twoPhase(), { 2: -1 });
    expect(neg.ok === false && neg.error.code).toBe('TIMING_BAD_FLOW');
    const layout = twoPhase();
    layout.rings = [[4, 2]];
    const back = websterPlan(layout, { 2: 0.1 });
    expect(back.ok === false && back.error.code).toBe('TIMING_BAD_RING');
  });
});

describe('enforceMinGreens', () => {
  it('raises short phases and takes the time from the others', () => {
    const out = enforceMinGreens(
      new Map([
        [1, 2],
        [2, 38],
      ]),
      new Map([
        [1, 7],
        [2, 10],
      ]),
    );
    expect(out.get(1)).toBe(7);
    expect(out.get(2)).toBeCloseTo(33, 9);
  });
});
