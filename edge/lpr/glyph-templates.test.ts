/** Template fitting per glyph with the recogniser's own alternatives (onnx engine). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../../core/ports/plate-template.ts';
import { fitGlyphTemplates, isSignText, matchTemplates } from './templates.ts';

type Alt = { char: string; p: number };
const glyphs = (text: string, p = 0.98, alts: Record<number, Alt[]> = {}, ps: Record<number, number> = {}) =>
  [...text].map((char, i) => ({ char, p: ps[i] ?? p, alts: alts[i] ?? [] }));

describe('fitGlyphTemplates', () => {
  it('corrects a glyph to the alternative the recogniser proposed, with its probability', () => {
    // ABC0123 has a digit where Mercosur wants a letter; the recogniser's second choice was D.
    const fits = fitGlyphTemplates(
      glyphs('ABC0123', 0.98, { 3: [{ char: 'D', p: 0.4 }] }, { 3: 0.55 }),
      DEFAULT_TEMPLATES,
    );
    expect(fits[0]?.plate).toBe('ABCD123');
    expect(fits[0]?.glyphs[3]).toEqual({ char: 'D', p: 0.4 });
  });

  it('keeps a free-format plate when the site format needs a correction nobody proposed', () => {
    // A US plate 7ABC123: Mercosur would need 7→T from the look-alike table only.
    const fits = fitGlyphTemplates(glyphs('7ABC123'), DEFAULT_TEMPLATES);
    expect(fits[0]?.plate).toBe('7ABC123');
    expect(fits.find((f) => f.plate === 'TABC123')!.confidence).toBeLessThan(fits[0]!.confidence);
  });

  it('prefers the site format on a clean read that fits it (generic last costs nothing)', () => {
    const fits = fitGlyphTemplates(glyphs('BRAZ204'), DEFAULT_TEMPLATES);
    expect(fits[0]).toMatchObject({ plate: 'BRAZ204', pattern: 'AAAA999' });
  });

  it('rejects words and sign text as plates: TAXI, PARKING, SALE509, EXIT3', () => {
    for (const t of ['TAXI', 'PARKING', 'SCHOOL', 'SALE509', 'SALE50', 'EXIT3', '123456'])
      expect(fitGlyphTemplates(glyphs(t), DEFAULT_TEMPLATES)).toEqual([]);
    expect(isSignText('SALE50')).toBe(true);
    expect(isSignText('AB123CD')).toBe(false);
  });

  it('trims a faint stray glyph at an end (a bolt) more cheaply than a sure one', () => {
    const faint = fitGlyphTemplates(glyphs('IBRAZ204', 0.98, {}, { 0: 0.2 }), DEFAULT_TEMPLATES);
    const sure = fitGlyphTemplates(glyphs('IBRAZ204'), DEFAULT_TEMPLATES);
    const c = (f: typeof faint) => f.find((x) => x.plate === 'BRAZ204')!.confidence;
    expect(c(faint)).toBeGreaterThan(c(sure));
  });

  it('tesseract reads: a confident free-format plate still clears the default minConfidence', () => {
    const [top] = matchTemplates('AB-123CD', 0.95, DEFAULT_TEMPLATES);
    expect(top).toMatchObject({ plate: 'AB123CD' });
    expect(top!.confidence).toBeGreaterThanOrEqual(0.6);
    // …but loses to a site format that needs one correction on a less sure read
    expect(matchTemplates('ABC0123', 0.9, DEFAULT_TEMPLATES)[0]?.plate).toBe('ABCO123');
  });
});
