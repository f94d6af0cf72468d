/**
 * Glyph segmentation in a level strip, and re-typesetting for OCR. Dropping the plate
 * border, bolts, the Mercosur band, hyphen and dirt matters more than OCR settings.
 */
import { type Mask, sauvola } from './binarize.ts';
import { type Component, label } from './components.ts';
import type { Gray } from './image.ts';
import { median } from './locate.ts';
import { GLYPH_H } from './strip.ts';

const PAD = 14;

/** One glyph blob: its ink as a bitmap (1 = ink) and its top in the strip. */
export interface Glyph {
  w: number;
  h: number;
  top: number;
  /** Left edge in the strip: the plate's own spacing, which shows where its groups split. */
  left: number;
  ink: Uint8Array;
}

export interface GlyphSet {
  glyphs: Glyph[];
  stripHeight: number;
}

export interface OcrInput {
  image: Gray;
  /** Horizontal extent of each glyph in `image`, left to right. */
  spans: { x0: number; x1: number }[];
}

export function extractGlyphs(strip: Gray): GlyphSet {
  // k = 0.2. A stricter 0.28 gained a few exact reads on three small seeds but, on the
  // bench:lpr dataset, kept exact reads equal and turned nulls into wrong plates (5.3% → 8.2%).
  const mask = sauvola(strip, GLYPH_H + 1, 0.2);
  removeRuleLines(mask);
  const { components, labels } = label(mask);
  const mid = strip.height / 2;
  const candidates = components
    .filter((c) => {
      // Any width: glyphs merged by motion blur stay together, tesseract splits them.
      const glyphSized = c.h >= 0.55 * GLYPH_H && c.h <= 1.5 * GLYPH_H;
      const fill = c.area / (c.w * c.h);
      // Spans the middle of the band; J and Q descend in many fonts, so no centring test.
      const spansMiddle = c.y <= mid - 0.2 * GLYPH_H && c.y + c.h >= mid + 0.2 * GLYPH_H;
      // Glyphs sit inside the band; what reaches its top or bottom edge is border or bumper.
      const inside = c.y > 0 && c.y + c.h < strip.height;
      // Solid blobs are stains, except thin ones: I and 1 fill their box.
      const solidOk = fill <= 0.85 || c.w < 0.35 * GLYPH_H;
      return glyphSized && spansMiddle && inside && fill >= 0.05 && solidOk;
    })
    .sort((a, b) => a.x - b.x);
  // Glyphs of one plate share a cap height: drop the odd ones out (border stubs, bolts, dirt).
  const hMed = median(candidates.map((c) => c.h));
  const bg = backgroundLevel(strip, mask);
  const kept = candidates.filter(
    (c) => c.h >= 0.75 * hMed && c.h <= 1.3 * hMed && !isBorderStub(strip, mask, c, bg),
  );
  const glyphs = kept.map((c) => {
    const ink = new Uint8Array(c.w * c.h);
    for (let y = 0; y < c.h; y++) {
      for (let x = 0; x < c.w; x++)
        if (labels[(c.y + y) * strip.width + c.x + x] === c.id + 1) ink[y * c.w + x] = 1;
    }
    return { w: c.w, h: c.h, top: c.y, left: c.x, ink };
  });
  return { glyphs, stripHeight: strip.height };
}

/**
 * Typesets the glyphs black on white with even, tight spacing: with the plate's own spacing
 * tesseract drops a narrow leading glyph (I, 1) or invents one in a wide gap. With `groups`,
 * a word space is kept where the plate has one ('ABC-123', 'ABCD 123'): the LSTM then reads
 * each group in its own context, which fixes and causes different errors than one word.
 */
export function typeset(set: GlyphSet, groups = false, gapFactor = 0.1): OcrInput {
  const chosen = set.glyphs;
  const gap = Math.round(gapFactor * GLYPH_H);
  const gaps = chosen.slice(1).map((g, i) => g.left - (chosen[i]!.left + chosen[i]!.w));
  const usual = median(gaps);
  const after = gaps.map((g) =>
    groups && g > 1.8 * usual + 0.1 * GLYPH_H ? Math.round(0.6 * GLYPH_H) : gap,
  );
  const w = Math.max(1, chosen.reduce((sum, g, i) => sum + g.w + (after[i] ?? 0), 0) + 2 * PAD);
  const h = set.stripHeight + 2 * PAD;
  const out = new Uint8Array(w * h).fill(255);
  const spans: { x0: number; x1: number }[] = [];
  let left = PAD;
  for (const g of chosen) {
    spans.push({ x0: left, x1: left + g.w });
    for (let y = 0; y < g.h; y++) {
      for (let x = 0; x < g.w; x++) {
        if (g.ink[y * g.w + x]) out[(g.top + y + PAD) * w + left + x] = 0;
      }
    }
    left += g.w + (after[spans.length - 1] ?? 0);
  }
  return { image: { width: w, height: h, data: out }, spans };
}

/**
 * The slant of the glyphs (x shift per pixel down): the shear that makes their strokes most
 * vertical, i.e. that concentrates the ink into the fewest columns.
 */
export function estimateSlant(set: GlyphSet): number {
  let best = 0;
  let bestScore = -1;
  for (let k = -0.3; k <= 0.3001; k += 0.05) {
    let score = 0;
    for (const g of set.glyphs) {
      const cols = new Float64Array(g.w + 2 * Math.ceil(0.3 * g.h) + 2);
      const off = Math.ceil(0.3 * g.h) + 1;
      const yc = g.h / 2;
      for (let y = 0; y < g.h; y++) {
        const shift = Math.round(-k * (y - yc));
        for (let x = 0; x < g.w; x++) if (g.ink[y * g.w + x]) cols[x + shift + off]!++;
      }
      for (const c of cols) score += c * c;
    }
    if (score > bestScore * 1.0001) {
      bestScore = score;
      best = k;
    }
  }
  return Math.round(best * 100) / 100;
}

/** Median grey of non-ink pixels in the middle rows: the plate's own background. */
function backgroundLevel(strip: Gray, mask: Mask): number {
  const values: number[] = [];
  const y0 = Math.round(strip.height * 0.35);
  const y1 = Math.round(strip.height * 0.65);
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < strip.width; x += 2)
      if (mask.data[y * strip.width + x] === 0) values.push(strip.data[y * strip.width + x]!);
  }
  return median(values);
}

/**
 * A thin upright blob with something much darker than the plate on one side is a piece of
 * the plate's edge (the car body lies beyond it), not an I or a 1, which the plate surrounds.
 */
function isBorderStub(strip: Gray, mask: Mask, c: Component, bg: number): boolean {
  if (c.w >= 0.3 * GLYPH_H) return false;
  const d = Math.round(0.25 * GLYPH_H);
  const side = (from: number, to: number): number => {
    let sum = 0;
    let n = 0;
    for (let y = c.y; y < c.y + c.h; y++) {
      for (let x = Math.max(0, from); x < Math.min(strip.width, to); x++) {
        if (mask.data[y * strip.width + x] === 0) {
          sum += strip.data[y * strip.width + x]!;
          n++;
        }
      }
    }
    return n > 0 ? sum / n : bg;
  };
  return Math.min(side(c.x - d, c.x), side(c.x + c.w, c.x + c.w + d)) < 0.7 * bg;
}

/**
 * Erases the plate border where it touches a glyph: no glyph has a straight horizontal ink
 * run longer than 2 glyph heights, nor a vertical one longer than 1.6.
 */
function removeRuleLines(mask: Mask): void {
  const { width: w, height: h, data } = mask;
  const maxH = 2 * GLYPH_H;
  const maxV = Math.round(1.6 * GLYPH_H);
  const erase = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let run = 0;
    for (let x = 0; x <= w; x++) {
      if (x < w && data[y * w + x] === 1) run++;
      else {
        if (run > maxH) for (let k = x - run; k < x; k++) erase[y * w + k] = 1;
        run = 0;
      }
    }
  }
  for (let x = 0; x < w; x++) {
    let run = 0;
    for (let y = 0; y <= h; y++) {
      if (y < h && data[y * w + x] === 1) run++;
      else {
        if (run > maxV) for (let k = y - run; k < y; k++) erase[k * w + x] = 1;
        run = 0;
      }
    }
  }
  for (let i = 0; i < w * h; i++) if (erase[i]) data[i] = 0;
}
