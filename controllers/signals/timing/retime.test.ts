import { describe, expect, it } from 'vitest';
import { createCounter, flowRatesPcePerHour } from './counts.ts';
import { nemaEightPhase } from './fixtures.ts';
import { type MovementService, phaseFlowRatios, retimePlan, smoothFlows } from './retime.ts';
import type { TimingPlan } from './types.ts';

const service: Record<string, MovementService> = {
  SBL: { phase: 1, satFlowPcePerHour: 1700 },
  NBT: { phase: 2, satFlowPcePerHour: 3600 },
  WBL: { phase: 3, satFlowPcePerHour: 1700 },
  EBT: { phase: 4, satFlowPcePerHour: 3600 },
  NBL: { phase: 5, satFlowPcePerHour: 1700 },
  SBT: { phase: 6, satFlowPcePerHour: 3600 },
  EBL: { phase: 7, satFlowPcePerHour: 1700 },
  WBT: { phase: 8, satFlowPcePerHour: 3600 },
};
const balanced: TimingPlan = {
  cycleS: 0,
  greensS: { 1: 10, 2: 25, 3: 10, 4: 25, 5: 10, 6: 25, 7: 10, 8: 25 },
  offsetS: 0,
};

describe('retimePlan', () => {
  const layout = nemaEightPhase();

  it('shifts green toward the heavier movement and stays within bounds', () => {
    const flows = { SBL: 100, NBL: 100, WBL: 100, EBL: 100, NBT: 1600, SBT: 1500, EBT: 400, WBT: 400 };
    let plan = balanced;
    for (let i = 0; i < 10; i++) {
      const r = retimePlan(layout, plan, flows, service, { maxStepS: 4 });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      for (const p of layout.phases) {
        expect(r.value.greensS[p.id]!).toBeGreaterThanOrEqual(p.minGreenS);
        expect(r.value.greensS[p.id]!).toBeLessThanOrEqual(p.maxGreenS);
        expect(Math.abs(r.value.greensS[p.id]! - plan.greensS[p.id]!)).toBeLessThanOrEqual(4 + 1e-9);
      }
      plan = r.value;
    }
    expect(plan.greensS[2]!).toBeGreaterThan(balanced.greensS[2]!);
    expect(plan.greensS[4]!).toBeLessThan(balanced.greensS[4]!);
    expect(plan.greensS[2]!).toBeGreaterThan(plan.greensS[4]!);
    expect(plan.cycleS).toBeGreaterThan(0);
  });

  it('phase flow ratio is the worst movement served by the phase', () => {
    const y = phaseFlowRatios({ NBT: 1800, SBT: 900 }, service);
    expect(y[2]).toBeCloseTo(0.5, 9);
    expect(y[6]).toBeCloseTo(0.25, 9);
  });

  it('smooths flows exponentially', () => {
    expect(smoothFlows({ a: 100 }, { a: 200, b: 50 }, 0.25)).toEqual({ a: 125, b: 12.5 });
    expect(smoothFlows(undefined, { a: 3 }, 0.5)).toEqual({ a: 3 });
  });
});

describe('counter', () => {
  it('counts by movement and class per cycle and per 15-minute bin, and derives PCE flow', () => {
    const c = createCounter();
    c.record('NBT', 'car', 1_000);
    c.record('NBT', 'heavy', 2_000);
    c.record('EBT', 'motorcycle', 3_000);
    const first = c.closeCycle(60_000);
    expect(first.counts.NBT).toEqual({ motorcycle: 0, car: 1, van: 0, heavy: 1 });
    c.record('NBT', 'van', 16 * 60_000);
    c.closeCycle(120_000 + 16 * 60_000);
    expect(c.bins().map((b) => b.startMs)).toEqual([0, 15 * 60_000]);
    // First cycle: NBT = 1 + 2 PCE in 60 s → 180 PCE/h.
    expect(flowRatesPcePerHour([first], 1).NBT).toBeCloseTo(180, 9);
  });
});
