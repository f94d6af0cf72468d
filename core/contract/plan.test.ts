import { describe, expect, it } from 'vitest';
import { checkPlan } from './plan.ts';

const ix = (key: string) => ({ key, kind: 'intersection', name: key, lat: -25.28, lon: -57.62 });

describe('city plan contract', () => {
  it('refuses duplicates, keys of the wrong shape and routes through unknown junctions, saying where', () => {
    const r = checkPlan({
      name: 'x',
      sites: [
        ix('a/b/c'),
        ix('a/b/c'),
        { ...ix('a/b'), kind: 'intersection' },
        { ...ix('p/q/r'), kind: 'lot' },
      ],
      routes: [{ routeId: 'r1', name: 'R1', via: ['a/b/c', 'z/z/z'] }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONTRACT_SCHEMA');
    expect(r.error.details).toEqual([
      'sites.1.key: a/b/c twice',
      'sites.2.key: intersection keys have 3 parts (site/device/intersection)',
      'sites.3.key: lot keys have 2 parts (site/device)',
      'routes.0.via.1: z/z/z is not an intersection of the plan',
    ]);
  });

  it('refuses coordinates off the globe and unknown fields', () => {
    const r = checkPlan({ name: 'x', sites: [{ ...ix('a/b/c'), lat: 95 }], extra: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/sites\.0\.lat.*|extra/);
  });
});
