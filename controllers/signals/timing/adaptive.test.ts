import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIntersectionConfig } from '../config.ts';
import { createAdaptiveTiming } from './adaptive.ts';
import { timingLayoutFromConfig, toControllerPlan } from './from-config.ts';

function config() {
  const url = new URL('../examples/four-leg-protected.yaml', import.meta.url);
  const r = parseIntersectionConfig(readFileSync(url, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** One vehicle of `lengthM` at 50 km/h over a 1.8 m count loop at `tMs`. */
function pass(a: ReturnType<typeof createAdaptiveTiming>, id: string, tMs: number, lengthM = 4.5) {
  a.edge(id, true, tMs);
  a.edge(id, false, tMs + ((lengthM + 1.8) / (50 / 3.6)) * 1000);
}

describe('adaptive retiming on measured counts', () => {
  const cfg = config();
  const bounds = new Map(cfg.phases.map((p) => [p.id, p.maxGreenBoundsMs.map((x) => x / 1000)]));

  /** 90 s cycles; `eb`/`nb` vehicles per cycle on the EB and NB count loops. */
  function drive(eb: number, nb: number, cycles: number) {
    const a = createAdaptiveTiming(cfg, { everyCycles: 2, maxStepS: 100 });
    const out = [];
    for (let c = 0; c < cycles; c++) {
      const t0 = c * 90_000;
      for (let i = 0; i < eb; i++) pass(a, 'eb-count', t0 + (i * 90_000) / eb);
      for (let i = 0; i < nb; i++) pass(a, 'nb-count', t0 + (i * 90_000) / nb + 500);
      const d = a.cycle(t0 + 90_000, { 1: { greenMs: 8000, greenOccupancy: 0.5, maxOuts: 0 } });
      if (d) out.push(d);
    }
    return { a, out };
  }

  it('shifts max green toward the heavier approach and stays within the configured bounds', () => {
    const heavyMain = drive(18, 4, 8).out.at(-1)!;
    const heavySide = drive(6, 12, 8).out.at(-1)!;
    const g = (d: typeof heavyMain, p: number) => d.controllerPlan.maxGreenS![p]!;
    expect(g(heavyMain, 2)).toBeGreaterThan(g(heavySide, 2));
    expect(g(heavySide, 4)).toBeGreaterThan(g(heavyMain, 4));
    for (const d of [heavyMain, heavySide]) {
      for (const [p, v] of Object.entries(d.controllerPlan.maxGreenS!)) {
        const [lo, hi] = bounds.get(Number(p))!;
        expect(v).toBeGreaterThanOrEqual(lo!);
        expect(v).toBeLessThanOrEqual(hi!);
      }
    }
  });

  it('measures flow from counts (18 veh per 90 s cycle → 720 veh/h on phase 2)', () => {
    const d = drive(18, 4, 4).out.at(-1)!;
    // Default fleet is all cars here (4.5 m at 50 km/h) → PCE 1.
    expect(d.flowsPcePerHour.P2).toBeCloseTo(720, 0);
    expect(d.flowsPcePerHour.P4).toBeCloseTo(160, 0);
  });

  it('retimes only every few cycles and classifies count-loop vehicles by length', () => {
    const a = createAdaptiveTiming(cfg, { everyCycles: 3 });
    pass(a, 'eb-count', 1_000, 12);
    pass(a, 'eb-count', 3_000, 4.4);
    pass(a, 'eb-count', 5_000, 1.9);
    expect(a.cycle(60_000)).toBeUndefined();
    expect(a.cycle(120_000)).toBeUndefined();
    expect(a.cycle(180_000)).toBeDefined();
    expect(a.classCounts().P2).toEqual({ motorcycle: 1, car: 1, van: 0, heavy: 1 });
    expect(a.bins()).toHaveLength(1);
  });
});

describe('config ↔ timing', () => {
  const cfg = config();

  it('maps timed phases with their clearances and arrow displays', () => {
    const tl = timingLayoutFromConfig(cfg);
    expect(tl.rings).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const p1 = tl.phases.find((p) => p.id === 1)!;
    expect(p1).toMatchObject({ signalGroup: 'WB-left', minGreenS: 5, yellowS: 3, allRedS: 1.5, arrow: true });
    expect(tl.phases.find((p) => p.id === 2)!.arrow).toBe(false);
  });

  it('turns planned greens into max greens clamped to each phase’s retiming bounds', () => {
    const plan = { cycleS: 100, greensS: { 2: 100, 4: 20, 6: 1 }, offsetS: 0 };
    const out = toControllerPlan(cfg, plan, 1.25).maxGreenS!;
    expect(out[2]).toBe(60); // bounds [15, 60]
    expect(out[6]).toBe(15);
    expect(out[4]).toBe(25); // 20 × 1.25 within [7, 35]
    expect(out[1]).toBeUndefined();
  });
});
