import { describe, expect, it } from 'vitest';
import { isPlausiblePlate, normalisePlate, TYPED_PLATE } from './plate.ts';

describe('normalisePlate: the one rule for reads, registry keys and contract fields', () => {
  it('uppercases and keeps letters and digits only', () => {
    expect(normalisePlate(' abcd-123 ')).toBe('ABCD123');
    expect(normalisePlate('AB·12.3')).toBe('AB123');
    // OCR junk around a read: a bolt read as `|`, the border as `[`.
    expect(normalisePlate('|ABC 123[')).toBe('ABC123');
  });

  it('says which normalised texts have the shape of a plate', () => {
    expect(isPlausiblePlate('AB')).toBe(true);
    expect(isPlausiblePlate('A')).toBe(false);
    expect(isPlausiblePlate('ABCDEFGHIJK')).toBe(false);
    expect(isPlausiblePlate('ab12')).toBe(false);
  });

  it('typed registry text allows separators but nothing normalising would drop silently', () => {
    expect(TYPED_PLATE.test('ABC-123')).toBe(true);
    expect(TYPED_PLATE.test('ab 12.3')).toBe(true);
    expect(TYPED_PLATE.test('ÄB123')).toBe(false);
    expect(TYPED_PLATE.test('AB#12')).toBe(false);
  });
});
