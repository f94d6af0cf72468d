import { readFileSync } from 'node:fs';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { parseIntersectionConfig } from '../config.ts';
import { createIntersectionController } from '../controller.ts';
import type { CycleMeasures, PhaseCycleMeasures } from '../types.ts';
import { createSaturationControl, saturatedPhases } from './saturation.ts';

function config() {
  const r = parseIntersectionConfig(
    readFileSync(new URL('../examples/four-leg-protected.yaml', import.meta.url), 'utf8'),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const phase = (greenS: number, occ: number, maxOuts = 0): PhaseCycleMeasures => ({
  greenMs: greenS * 1000,
  arrivalsOnGreen: 0,
  arrivalsOnRed: 0,
  greenOccupancy: occ,
  redOccupancy5s: 0,
  splitFailure: false,
  greenUtilisation: occ,
  gapOuts: maxOuts ? 0 : 1,
  maxOuts,
  forceOffs: 0,
  redLightViolations: 0,
});
let n = 0;
function cycle(saturated: boolean): CycleMeasures {
  n++;
  const main = saturated ? phase(40, 0.95, 1) : phase(15, 0.4);
  return {
    intersectionId: 'x',
    cycle: n,
    startMs: (n - 1) * 100_000,
    endMs: n * 100_000,
    phases: {
      2: main,
      6: main,
      4: phase(12, saturated ? 0.9 : 0.3),
      8: phase(12, 0.3),
      1: phase(6, 0.5),
      5: phase(6, 0.5),
      3: phase(6, 0.5),
      7: phase(6, 0.5),
    },
    detectors: {},
    maxOutRate: saturated ? 0.25 : 0,
    preemptions: [],
  };
}

describe('saturation mode', () => {
  it('a max-out with the stop bar occupied through green is saturation; a max-out on a thin stream is not', () => {
    expect(saturatedPhases(cycle(true))).toEqual([2, 6]);
    const thin = cycle(false);
    thin.phases[2] = phase(40, 0.3, 1);
    expect(saturatedPhases(thin)).toEqual([]);
  });

  it('enters after two saturated cycles with splits the controller accepts, and returns after three calm ones', () => {
    const cfg = config();
    const ctl = createIntersectionController(cfg, { clock: new SimulatedClock() });
    const sat = createSaturationControl(cfg);
    expect(sat.cycle(cycle(true)).mode).toBe('responsive');
    const entered = sat.cycle(cycle(true));
    expect(entered.mode).toBe('saturated');
    const plans = [entered.plan, sat.cycle(cycle(true)).plan].filter((p) => p !== undefined);
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) {
      expect(ctl.applyTiming(p).ok).toBe(true);
      // Splits stay inside each phase's [min, max] bounds: no movement starves, none holds the cycle.
      for (const [id, g] of Object.entries(p.maxGreenS ?? {})) {
        const ph = cfg.phases.find((q) => q.id === Number(id));
        expect(g * 1000).toBeGreaterThanOrEqual(ph?.maxGreenBoundsMs[0] ?? 0);
        expect(g * 1000).toBeLessThanOrEqual(ph?.maxGreenBoundsMs[1] ?? 0);
      }
    }
    expect(sat.cycle(cycle(false)).mode).toBe('saturated');
    expect(sat.cycle(cycle(false)).mode).toBe('saturated');
    const back = sat.cycle(cycle(false));
    expect(back.mode).toBe('responsive');
    expect(back.plan?.maxGreenS?.[2]).toBe((cfg.phases.find((p) => p.id === 2)?.maxGreenMs ?? 0) / 1000);
  });
});
