import { describe, expect, it } from 'vitest';
import { formatPlate, TEMPLATES } from '../../core/ports/plate-template.ts';
import { fitPattern, MAX_CORRECTIONS, matchTemplates } from './templates.ts';

describe('fitPattern: positional correction of OCR confusions', () => {
  it.each([
    ['0BCD123', 'OBCD123'],
    ['1BCD123', 'IBCD123'],
    ['2BCD123', 'ZBCD123'],
    ['8BCD123', 'BBCD123'],
    ['5BCD123', 'SBCD123'],
    ['6BCD123', 'GBCD123'],
  ])('digit in a letter position: %s → %s', (read, want) => {
    expect(fitPattern(read, 'AAAA999')).toEqual({ plate: want, corrections: 1 });
  });

  it.each([
    ['ABCDO23', 'ABCD023'],
    ['ABCDI23', 'ABCD123'],
    ['ABCD1Z3', 'ABCD123'],
    ['ABCD12B', 'ABCD128'],
    ['ABCD1S3', 'ABCD153'],
    ['ABCD1G3', 'ABCD163'],
  ])('letter in a digit position: %s → %s', (read, want) => {
    expect(fitPattern(read, 'AAAA999')).toEqual({ plate: want, corrections: 1 });
  });

  it('leaves characters that already fit untouched, whatever they look like', () => {
    // O in a letter slot stays O, 0 in a digit slot stays 0.
    expect(fitPattern('OOZZ002', 'AAAA999')).toEqual({ plate: 'OOZZ002', corrections: 0 });
  });

  it('rejects a wrong length and unmappable characters', () => {
    expect(fitPattern('ABC123', 'AAAA999')).toBeNull();
    expect(fitPattern('ABCD12X', 'AAAA999')).toBeNull(); // X has no digit look-alike
    expect(fitPattern('AB3D123', 'AAAA999')).toBeNull(); // 3 has no letter look-alike
  });

  it(`refuses more than ${MAX_CORRECTIONS} corrections: a word is not a misread plate`, () => {
    expect(fitPattern('RENTAL', 'AAA999')).toBeNull(); // would be REN741
    expect(fitPattern('SCHOOL', 'AAA999')).toBeNull(); // would be SCH001
    expect(fitPattern('ABCOO3', 'AAA999')).toEqual({ plate: 'ABC003', corrections: 2 });
  });

  it('accepts anything alphanumeric at * positions', () => {
    expect(fitPattern('A1B2C', '*****')).toEqual({ plate: 'A1B2C', corrections: 0 });
  });
});

describe('matchTemplates', () => {
  it('normalises spacing, hyphens and case before matching', () => {
    const [best] = matchTemplates('abcd 123', 0.9, [TEMPLATES.mercosur]);
    expect(best).toEqual({ plate: 'ABCD123', confidence: 0.9 });
  });

  it('ranks an exact fit above a corrected one and lowers confidence per correction', () => {
    const exact = matchTemplates('ABC123', 0.9, [TEMPLATES.legacy])[0]!;
    const corrected = matchTemplates('A8C123', 0.9, [TEMPLATES.legacy])[0]!;
    expect(corrected.plate).toBe('ABC123');
    expect(corrected.confidence).toBeLessThan(exact.confidence);
  });

  it('trims a stray glyph at either end (bolt, border) at a cost', () => {
    const c = matchTemplates('IABCD123', 0.9, [TEMPLATES.mercosur]);
    expect(c[0]?.plate).toBe('ABCD123');
    expect(c[0]!.confidence).toBeLessThan(0.9);
  });

  it('only proposes formats the site allows', () => {
    expect(matchTemplates('ABC123', 0.9, [TEMPLATES.mercosur])).toEqual([]);
    expect(matchTemplates('A1B2C3D', 0.9, [TEMPLATES.generic])[0]?.plate).toBe('A1B2C3D');
  });
});

describe('formatPlate', () => {
  it('prints each format its own way', () => {
    expect(formatPlate('ABCD123', TEMPLATES.mercosur)).toBe('ABCD 123');
    expect(formatPlate('ABC123', TEMPLATES.legacy)).toBe('ABC-123');
    expect(formatPlate('A1B2C', TEMPLATES.generic)).toBe('A1B2C');
  });
});
