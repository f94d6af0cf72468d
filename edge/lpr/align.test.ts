import { describe, expect, it } from 'vitest';
import { alignSymbols } from './align.ts';
import type { OcrSymbol } from './ocr.ts';

const glyphs = [
  { x0: 0, x1: 20 },
  { x0: 30, x1: 50 },
  { x0: 60, x1: 80 },
];
const sym = (text: string, x0: number, x1: number, confidence = 0.9): OcrSymbol => ({
  text,
  x0,
  x1,
  confidence,
});

describe('alignSymbols', () => {
  it('maps symbols to glyphs in order when the counts agree', () => {
    const r = alignSymbols([sym('A', 0, 20), sym('B', 22, 48), sym('C', 60, 80)], glyphs);
    expect(r).toEqual({ text: 'ABC', confidences: [0.9, 0.9, 0.9], glyphOf: [0, 1, 2] });
  });

  it('drops a duplicated emission, keeping the more confident symbol of the glyph', () => {
    const r = alignSymbols(
      [sym('A', 0, 20), sym('L', 30, 38, 0.4), sym('1', 40, 50, 0.95), sym('C', 60, 80)],
      glyphs,
    );
    expect(r.text).toBe('A1C');
    expect(r.glyphOf).toEqual([0, 1, 2]);
  });

  it('drops blobs OCR saw nothing in, and ignores punctuation', () => {
    const r = alignSymbols([sym('A', 0, 20), sym('-', 52, 58), sym('C', 60, 80)], glyphs);
    expect(r.text).toBe('AC');
    expect(r.glyphOf).toEqual([0, 2]);
  });

  it('lets a blob twice the usual width hold two characters (merged by blur)', () => {
    const wide = [
      { x0: 0, x1: 20 },
      { x0: 30, x1: 72 },
      { x0: 80, x1: 100 },
    ];
    const r = alignSymbols(
      [sym('A', 0, 20), sym('B', 30, 50), sym('C', 52, 72), sym('D', 80, 100), sym('E', 101, 104, 0.2)],
      wide,
    );
    expect(r.text).toBe('ABCD');
    expect(r.glyphOf).toEqual([0, 1, 1, 2]);
  });
});
