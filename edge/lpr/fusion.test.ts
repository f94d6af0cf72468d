import { describe, expect, it } from 'vitest';
import { fuseResults } from './fusion.ts';
import type { PlateReadResult } from './types.ts';

const read = (
  plate: string | null,
  confidence: number,
  extra: Partial<PlateReadResult> = {},
): PlateReadResult => ({
  plate,
  confidence,
  box: plate ? [10, 20, 100, 30] : null,
  candidates: plate ? [{ plate, confidence }] : [],
  ms: 50,
  ...extra,
});

describe('fuseResults', () => {
  it('takes the confidence-weighted majority', () => {
    const r = fuseResults([read('ABC123', 0.9), read('ABC128', 0.6), read('ABC123', 0.8)]);
    expect(r.plate).toBe('ABC123');
    expect(r.candidates.map((c) => c.plate)).toContain('ABC128');
    expect(r.ms).toBe(150);
  });

  it('repairs a glyph per position when each frame got a different one wrong', () => {
    const r = fuseResults([read('XBC123', 0.7), read('AYC123', 0.7), read('ABZ123', 0.7)]);
    expect(r.plate).toBe('ABC123');
    // No frame read it whole: less sure than the frames themselves.
    expect(r.confidence).toBeLessThan(0.7);
    expect(r.confidence).toBeGreaterThan(0);
  });

  it('ignores frames without a plate or with an error', () => {
    const bad = read(null, 0, { error: { code: 'LPR_CORRUPT_IMAGE', message: 'x' } });
    const r = fuseResults([read(null, 0), bad, read('ABCD123', 0.9)]);
    expect(r.plate).toBe('ABCD123');
    expect(r.box).toEqual([10, 20, 100, 30]);
  });

  it('gives null when no frame had a plate', () => {
    const r = fuseResults([read(null, 0), read(null, 0)]);
    expect(r).toMatchObject({ plate: null, confidence: 0, box: null, candidates: [] });
  });

  it('votes per glyph with the recogniser probabilities: two doubtful 8s lose to one sure 3', () => {
    const g = (plate: string, last: number) =>
      [...plate].map((char, i) => ({ char, p: i === plate.length - 1 ? last : 0.99 }));
    const r = fuseResults([
      read('ABC128', 0.8, { glyphs: g('ABC128', 0.3) }),
      read('ABC123', 0.8, { glyphs: g('ABC123', 0.95) }),
      read('ABC128', 0.8, { glyphs: g('ABC128', 0.35) }),
    ]);
    expect(r.plate).toBe('ABC123');
    // Without glyph probabilities the majority of whole reads wins.
    expect(fuseResults([read('ABC128', 0.8), read('ABC123', 0.8), read('ABC128', 0.8)]).plate).toBe('ABC128');
  });
});
