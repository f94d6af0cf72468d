import { describe, expect, it } from 'vitest';
import { classifyLength, createSpeedTrap, lengthFromOccupancy } from './classify.ts';

describe('classification bins', () => {
  it('maps lengths to FHWA-TMG-style bins', () => {
    expect(classifyLength(1.9)).toBe('motorcycle');
    expect(classifyLength(2.2)).toBe('car');
    expect(classifyLength(4.6)).toBe('car');
    expect(classifyLength(5.6)).toBe('van');
    expect(classifyLength(6.6)).toBe('heavy');
    expect(classifyLength(12)).toBe('heavy');
  });

  it('recovers length from occupancy and speed: L = v·occ − loop length', () => {
    // 12.5 m bus at 10 m/s over a 2 m loop occupies it (12.5 + 2)/10 = 1.45 s.
    expect(lengthFromOccupancy(10, 1.45, 2)).toBeCloseTo(12.5, 9);
  });
});

describe('speed trap', () => {
  const cfg = { upstreamId: 'a', downstreamId: 'b', spacingM: 6, loopLengthM: 2 };
  /** Edges produced by a vehicle of `len` m at `v` m/s reaching loop a at t0 ms. */
  function drive(len: number, v: number, t0: number) {
    const tr = createSpeedTrap(cfg);
    const at = (m: number) => t0 + (m / v) * 1000;
    const edges: [string, boolean, number][] = [
      ['a', true, at(0)],
      ['a', false, at(cfg.loopLengthM + len)],
      ['b', true, at(cfg.spacingM)],
      ['b', false, at(cfg.spacingM + cfg.loopLengthM + len)],
    ];
    edges.sort((x, y) => x[2] - y[2]);
    return edges.map(([id, on, t]) => tr.edge(id, on, t)).filter((r) => r !== undefined);
  }

  it.each([
    [1.9, 12, 'motorcycle'],
    [4.5, 14, 'car'],
    [5.8, 11, 'van'],
    [12, 9, 'heavy'],
  ] as const)('classifies a %s m vehicle at %s m/s as %s whatever the edge order', (len, v, cls) => {
    const out = drive(len, v, 1000);
    expect(out).toHaveLength(1);
    expect(out[0]!.speedMps).toBeCloseTo(v, 6);
    expect(out[0]!.lengthM).toBeCloseTo(len, 6);
    expect(out[0]!.cls).toBe(cls);
  });
});
