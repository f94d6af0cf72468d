import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, decide, leastSquares, type Sample } from './growth.ts';

/** A 15-minute soak sampled every 10 s: rss(t) and queue(t) as given, no lag figure. */
function soak(process: string, rss: (tS: number) => number, queue: (tS: number) => number | null = () => 0) {
  return Array.from(
    { length: 91 },
    (_, i): Sample => ({
      tS: i * 10,
      process,
      rssMiB: rss(i * 10),
      lagP99Ms: 12,
      lagMaxMs: 30,
      heapUsedMiB: null,
      queue: queue(i * 10),
    }),
  );
}
/** Deterministic ±amp noise (no Math.random: the test must give the same answer every run). */
const wiggle = (tS: number, amp: number) => amp * Math.sin(tS * 1.7) * Math.cos(tS * 0.31);

describe('leastSquares', () => {
  it('recovers slope and intercept of an exact line, with zero standard error', () => {
    const f = leastSquares([
      [0, 1],
      [1, 3],
      [2, 5],
      [3, 7],
    ]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.slopeSe).toBeCloseTo(0, 12);
  });

  it('gives a slope near zero and a positive standard error for noise around a constant', () => {
    const pts = Array.from({ length: 50 }, (_, i) => [i, 100 + wiggle(i, 5)] as const);
    const f = leastSquares(pts);
    expect(Math.abs(f.slope)).toBeLessThan(0.1);
    expect(f.slopeSe).toBeGreaterThan(0);
  });

  it('is flat for a single point or identical x', () => {
    expect(leastSquares([[5, 9]]).slope).toBe(0);
    expect(
      leastSquares([
        [1, 2],
        [1, 4],
      ]),
    ).toMatchObject({ slope: 0, intercept: 3 });
  });
});

describe('decide', () => {
  it('passes a flat process with GC-like noise', () => {
    const d = decide(soak('broker', (t) => 150 + wiggle(t, 6)));
    expect(d.ok && d.value.every((v) => !v.grows)).toBe(true);
  });

  it('fails a leak of 1 MiB per minute (60 MiB/h > 16 MiB/h) even under noise', () => {
    const d = decide(soak('agent', (t) => 90 + t / 60 + wiggle(t, 4)));
    if (!d.ok) throw new Error(d.error.message);
    const rss = d.value.find((v) => v.metric === 'rssMiB')!;
    expect(rss.grows).toBe(true);
    expect(rss.perHour).toBeCloseTo(60, 0);
  });

  it('holds large processes to 10% of their size per hour, not the 16 MiB floor', () => {
    // 400 MiB growing 30 MiB/h: above 16 MiB/h but below 40 MiB/h (10% of 400).
    const d = decide(soak('parking', (t) => 400 + (30 * t) / 3600));
    if (!d.ok) throw new Error(d.error.message);
    const rss = d.value.find((v) => v.metric === 'rssMiB')!;
    expect(rss.limitPerHour).toBeCloseTo(40, 0);
    expect(rss.grows).toBe(false);
  });

  it('ignores the warm-up: a steep start that then levels off passes', () => {
    const d = decide(soak('broker', (t) => (t < DEFAULT_THRESHOLDS.warmupS ? 50 + t : 170) + wiggle(t, 1)));
    expect(d.ok && d.value.every((v) => !v.grows)).toBe(true);
  });

  it('fails a queue that climbs and passes one that spikes and drains', () => {
    const climbing = decide(
      soak(
        'intersection',
        () => 80,
        (t) => Math.floor(t / 10),
      ),
    );
    const spiky = decide(
      soak(
        'intersection',
        () => 80,
        (t) => (t % 120 === 0 ? 400 : 0),
      ),
    );
    if (!climbing.ok || !spiky.ok) throw new Error('too short');
    expect(climbing.value.find((v) => v.metric === 'queue')!.grows).toBe(true);
    expect(spiky.value.find((v) => v.metric === 'queue')!.grows).toBe(false);
  });

  it('skips metrics a process does not have (influxd: no queue) and judges each process alone', () => {
    const d = decide([
      ...soak(
        'influxd',
        () => 200,
        () => null,
      ),
      ...soak('agent', (t) => 90 + t / 30),
    ]);
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.filter((v) => v.process === 'influxd').map((v) => v.metric)).toEqual([
      'rssMiB',
      'lagP99Ms',
    ]);
    expect(d.value.filter((v) => v.grows).map((v) => `${v.process}/${v.metric}`)).toEqual(['agent/rssMiB']);
  });

  it('refuses to judge a run too short to fit', () => {
    const d = decide(soak('broker', () => 100).slice(0, 15));
    expect(d).toMatchObject({ ok: false, error: { code: 'E_SOAK_TOO_SHORT' } });
  });
});
