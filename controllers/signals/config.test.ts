import { describe, expect, it } from 'vitest';
import { iteYellowS } from './config-checks.ts';
import { parseIntersectionConfig } from './config.ts';
import { EXAMPLES, exampleObject, exampleText } from './test-helpers.ts';

type Obj = Record<string, unknown>;
const phases = (o: Obj) => o.phases as Obj[];

function errorsOf(
  mutate: (o: Obj) => void,
  base: (typeof EXAMPLES)[number] = 'four-leg-protected',
): string[] {
  const o = exampleObject(base);
  mutate(o);
  const r = parseIntersectionConfig(o);
  if (r.ok) return [];
  expect(r.error.code).toBe('CONFIG_INVALID');
  return (r.error.issues ?? []).map((i) => `${i.path}: ${i.message}`);
}

describe('example configs', () => {
  it.each(EXAMPLES)('%s parses and derives a millisecond plan', (name) => {
    const r = parseIntersectionConfig(exampleText(name));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const p of r.value.phases) {
      expect(p.yellowMs).toBeGreaterThanOrEqual(3000);
      expect(p.yellowMs).toBeLessThanOrEqual(6000);
    }
    // The matrix is symmetric.
    for (const [a, bs] of Object.entries(r.value.compatibility))
      for (const b of bs) expect(r.value.compatibility[b]).toContain(Number(a));
  });

  it('derives yellow from the ITE formula when only speed and grade are given', () => {
    const r = parseIntersectionConfig(exampleText('four-leg-protected'));
    if (!r.ok) throw new Error(r.error.message);
    const p6 = r.value.phases.find((p) => p.id === 6);
    // 60 km/h downhill 2 %: 1 + 16.67 / (6.1 − 0.39) = 3.92 s, rounded up to 4.0 s.
    expect(p6?.yellowSource).toBe('ite');
    expect(p6?.yellowMs).toBe(4000);
    expect(iteYellowS(60, 0)).toBeCloseTo(1 + 60 / 3.6 / 6.1, 6);
  });

  it('names permissive lefts as FYA heads and ped heads for ped phases', () => {
    const r = parseIntersectionConfig(exampleText('four-leg-permissive-peds'));
    if (!r.ok) throw new Error(r.error.message);
    const names = r.value.signalGroups.map((g) => `${g.name}:${g.display}`);
    expect(names).toContain('WB-left:fya');
    expect(names).toContain('EB-through-ped:ped');
  });
});

describe('bad configs are rejected with the field named', () => {
  it('yellow below 3 s', () => {
    expect(errorsOf((o) => (phases(o)[3]!.yellowS = 2.5))).toContain('phases[3].yellowS: 2.5 is below 3 s');
  });

  it('yellow above 6 s and red clearance above 6 s', () => {
    const errs = errorsOf((o) => {
      phases(o)[0]!.yellowS = 7;
      phases(o)[1]!.redClearanceS = 6.5;
    });
    expect(errs).toContain('phases[0].yellowS: 7 is above 6 s');
    expect(errs).toContain('phases[1].redClearanceS: 6.5 is above 6 s');
  });

  it('yellow shorter than the ITE value for the given speed', () => {
    const errs = errorsOf((o) => {
      phases(o)[1]!.yellowS = 3;
      phases(o)[1]!.approachSpeedKmh = 70;
    });
    expect(errs.some((e) => e.startsWith('phases[1].yellowS: 3 is below the ITE change interval'))).toBe(
      true,
    );
  });

  it('two phases of the same ring marked compatible', () => {
    const errs = errorsOf((o) => (o.compatible as number[][]).push([1, 2]));
    expect(errs.some((e) => e.startsWith('compatible[8]: phases 1 and 2 are both in ring 1'))).toBe(true);
  });

  it('ring/barrier concurrency the matrix forbids', () => {
    const errs = errorsOf((o) => {
      o.compatible = (o.compatible as number[][]).filter(([a, b]) => !(a === 2 && b === 6));
    });
    expect(errs.some((e) => e.includes('phases 2 and 6 run concurrently under ring/barrier'))).toBe(true);
  });

  it('compatibility across a barrier', () => {
    const errs = errorsOf((o) => (o.compatible as number[][]).push([2, 8]));
    expect(errs).toContain('compatible[8]: phases 2 and 8 are on opposite sides of a barrier');
  });

  it('schema errors carry the path (wrong type, bad enum)', () => {
    const errs = errorsOf((o) => {
      phases(o)[2]!.minGreenS = 'five';
      phases(o)[2]!.recall = 'always';
    });
    expect(errs.some((e) => e.startsWith('phases[2].minGreenS:'))).toBe(true);
    expect(errs.some((e) => e.startsWith('phases[2].recall:'))).toBe(true);
  });

  it('count stations without lane/direction, detectors calling unknown phases', () => {
    const errs = errorsOf((o) => {
      const d = o.detectors as Obj[];
      delete d[10]!.lane;
      d[0]!.calls = [9];
    });
    expect(errs).toContain('detectors[10].lane: a count station needs its lane');
    expect(errs).toContain('detectors[0].calls[0]: phase 9 is not a timed phase');
  });

  it('preemption dwell phases that conflict, unknown check-out detector', () => {
    const errs = errorsOf((o) => {
      const p = o.preemption as Obj[];
      p[0]!.phases = [2, 4];
      p[0]!.checkOutDetector = 'nope';
    });
    expect(errs).toContain('preemption[0].phases: phases 2 and 4 conflict');
    expect(errs).toContain('preemption[0].checkOutDetector: detector nope is not defined');
  });

  it('protected-permissive left without its opposing through', () => {
    const errs = errorsOf((o) => delete phases(o)[0]!.opposingThroughPhase, 't-junction');
    expect(errs.some((e) => e.startsWith('phases[0].opposingThroughPhase: required'))).toBe(true);
  });

  it('unparsable text is a CONFIG_PARSE error, not a throw', () => {
    const r = parseIntersectionConfig('phases: [1, 2\n  - : :');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('CONFIG_PARSE');
  });
});
