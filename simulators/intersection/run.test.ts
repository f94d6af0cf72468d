import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIntersectionConfig } from '../../controllers/signals/config.ts';
import type { CycleMeasures, PhaseCycleMeasures } from '../../controllers/signals/types.ts';
import { aggregateAtspm, formatIntersectionReport, parseDemand, runIntersectionSim } from './run.ts';

const CONFIG = join(import.meta.dirname, '../../controllers/signals/examples/four-leg-protected.yaml');

describe('parseDemand', () => {
  it('accepts named scenarios and movement lists', () => {
    const named = parseDemand('offpeak');
    expect(named.ok && named.value.vehPerHour['eastbound.through']).toBeGreaterThan(0);
    const listed = parseDemand('eastbound.through=600, northbound.left=40');
    expect(listed.ok && listed.value.vehPerHour).toEqual({ 'eastbound.through': 600, 'northbound.left': 40 });
  });
  it('rejects malformed parts with a code', () => {
    for (const bad of ['eastbound.thru=5', 'eastbound.through=-1', '', 'rush']) {
      const r = parseDemand(bad);
      expect(!r.ok && r.error.code).toBe('SIM_INTERSECTION_BAD_DEMAND');
    }
  });
});

const phase = (p: Partial<PhaseCycleMeasures>): PhaseCycleMeasures => ({
  greenMs: 20_000,
  arrivalsOnGreen: 0,
  arrivalsOnRed: 0,
  greenOccupancy: 0,
  redOccupancy5s: 0,
  splitFailure: false,
  greenUtilisation: 0,
  gapOuts: 0,
  maxOuts: 0,
  forceOffs: 0,
  redLightViolations: 0,
  ...p,
});
const cycle = (phases: Record<number, PhaseCycleMeasures>): CycleMeasures => ({
  intersectionId: 'x',
  cycle: 0,
  startMs: 0,
  endMs: 60_000,
  phases,
  detectors: {},
  maxOutRate: 0,
  preemptions: [],
});

describe('aggregateAtspm', () => {
  it('sums terminations and pools arrivals on green across cycles', () => {
    const a = aggregateAtspm([
      cycle({
        2: phase({ greenMs: 30_000, arrivalsOnGreen: 6, arrivalsOnRed: 2, gapOuts: 1, splitFailure: true }),
      }),
      cycle({
        2: phase({ greenMs: 10_000, arrivalsOnGreen: 0, arrivalsOnRed: 2, maxOuts: 1 }),
        4: phase({}),
      }),
    ]);
    expect(a.map((p) => p.phase)).toEqual([2, 4]);
    expect(a[0]).toMatchObject({
      cycles: 2,
      meanGreenS: 20,
      arrivalsOnGreenPct: 60,
      splitFailures: 1,
      gapOuts: 1,
      maxOuts: 1,
    });
    expect(a[1]?.arrivalsOnGreenPct).toBeNaN();
  });
});

describe('runIntersectionSim (microsimulator against the real controller)', () => {
  it('serves off-peak demand with every vehicle through, no rejected input, and priority for EVs', async () => {
    const cfg = await loadIntersectionConfig(CONFIG);
    if (!cfg.ok) throw new Error(cfg.error.message);
    const demand = parseDemand('offpeak');
    if (!demand.ok) throw demand.error;
    const r = runIntersectionSim({
      config: cfg.value,
      demand: demand.value,
      seed: 7,
      durationS: 900,
      evApproaches: ['eastbound'],
    });
    if (!r.ok) throw r.error;
    const rec = r.value.records;
    expect(rec.vehicles).toBeGreaterThan(150);
    expect(rec.unserved).toBe(0);
    expect(r.value.rejected).toEqual({});
    expect(r.value.cycles).toBeGreaterThan(5);
    expect(rec.evDelays).toHaveLength(2);
    // an EV announced 40 s out should hardly wait; ordinary traffic waits longer on average
    for (const e of rec.evDelays) expect(e.delayS).toBeLessThan(rec.p95DelayS);
    const text = formatIntersectionReport(r.value);
    expect(text).toContain(`vehicles ${rec.vehicles}`);
    expect(text.split('\n').filter((l) => /^\s+\d+\s+\d+/.test(l))).toHaveLength(r.value.atspm.length);
  });
});
