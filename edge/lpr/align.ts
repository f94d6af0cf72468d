/**
 * Aligns tesseract's symbols with the glyph blobs we segmented. The LSTM decoder sometimes
 * emits a glyph twice ('PAQ110' → 'PAQL110') or invents one in a gap; the blobs say how many
 * characters there really are and where, so each blob keeps its most confident symbol(s).
 */
import type { OcrSymbol } from './ocr.ts';

export interface AlignedRead {
  /** One character per recognised glyph; blobs OCR saw nothing in (bolts, border stubs) are dropped. */
  text: string;
  confidences: number[];
  /** For each character, the glyph it was read from. */
  glyphOf: number[];
}

export function alignSymbols(
  symbols: readonly OcrSymbol[],
  glyphs: readonly { x0: number; x1: number }[],
): AlignedRead {
  const chars = symbols.filter((s) => /^[A-Z0-9]$/.test(s.text));
  // Same count: trust the order. LSTM symbol boxes are approximate and a narrow I or 1 can
  // appear centred over its neighbour.
  if (chars.length === glyphs.length) {
    return {
      text: chars.map((s) => s.text).join(''),
      confidences: chars.map((s) => s.confidence),
      glyphOf: chars.map((_, i) => i),
    };
  }
  const widths = glyphs.map((g) => g.x1 - g.x0).sort((a, b) => a - b);
  const typical = widths[widths.length >> 1] ?? 1;
  let text = '';
  const confidences: number[] = [];
  const glyphOf: number[] = [];
  glyphs.forEach((g, i) => {
    const prev = glyphs[i - 1];
    const next = glyphs[i + 1];
    // A symbol belongs to the blob whose extent (up to half the gaps around it) holds its centre.
    const lo = prev ? (prev.x1 + g.x0) / 2 : Number.NEGATIVE_INFINITY;
    const hi = next ? (g.x1 + next.x0) / 2 : Number.POSITIVE_INFINITY;
    const inside = chars.filter((s) => {
      const c = (s.x0 + s.x1) / 2;
      return c >= lo && c < hi;
    });
    // A blob much wider than its neighbours is two glyphs merged by blur.
    const expected = g.x1 - g.x0 > 1.6 * typical ? Math.max(1, Math.round((g.x1 - g.x0) / typical)) : 1;
    const kept = inside
      .map((s, order) => ({ s, order }))
      .sort((a, b) => b.s.confidence - a.s.confidence)
      .slice(0, expected)
      .sort((a, b) => a.order - b.order);
    for (const { s } of kept) {
      text += s.text;
      confidences.push(s.confidence);
      glyphOf.push(i);
    }
  });
  return { text, confidences, glyphOf };
}
