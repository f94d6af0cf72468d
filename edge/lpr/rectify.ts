/**
 * Turns a located character run into a clean OCR input: rotate it level, scale glyphs to a
 * height tesseract reads best, binarise locally, and keep only glyph-sized blobs. Dropping
 * the plate border, bolts, the Mercosur band, hyphen and dirt matters more than OCR settings.
 */
import { type Mask, sauvola } from './binarize.ts';
import { type Component, label } from './components.ts';
import type { Gray } from './image.ts';
import { median, type TextLine } from './locate.ts';
import type { Box } from './types.ts';

/** Glyph height for OCR: LSTM tesseract is most accurate at roughly 30–50 px cap height. */
const GLYPH_H = 40;
const PAD = 14;

export interface OcrInput {
  image: Gray;
  /** Horizontal extent of each glyph blob in `image`, left to right. */
  glyphs: { x0: number; x1: number }[];
}

/** Samples the run (in `src` coordinates) into a level strip and cleans it. */
export function rectifyLine(src: Gray, line: TextLine): OcrInput {
  return cleanStrip(sampleStrip(src, line));
}

/** The run rotated level and scaled to GLYPH_H, with margins, still in grey. */
export function sampleStrip(src: Gray, line: TextLine): Gray {
  const s = GLYPH_H / line.charH;
  // Generous margin along the run: glyphs the locator missed (touching the border, merged
  // by blur) are recovered here, while the border itself is too tall to pass the glyph filter.
  const padAlong = 1.2 * line.charH;
  const halfBand = 0.95 * line.charH;
  const outW = Math.max(16, Math.round((line.length + 2 * padAlong) * s));
  const outH = Math.max(16, Math.round(2 * halfBand * s));
  const strip = new Uint8Array(outW * outH);
  const cos = Math.cos(line.angle);
  const sin = Math.sin(line.angle);
  for (let v = 0; v < outH; v++) {
    const perp = v / s - halfBand;
    for (let u = 0; u < outW; u++) {
      const along = u / s - padAlong - line.length / 2;
      strip[v * outW + u] = bilinear(
        src,
        line.cx + along * cos - perp * sin,
        line.cy + along * sin + perp * cos,
      );
    }
  }
  return { width: outW, height: outH, data: strip };
}

export function cleanStrip(strip: Gray, gapFactor = 0.3): OcrInput {
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
  const glyphs = candidates.filter(
    (c) => c.h >= 0.75 * hMed && c.h <= 1.3 * hMed && !isBorderStub(strip, mask, c, bg),
  );
  // Re-typeset the glyphs with even spacing: tesseract drops a narrow leading glyph (I, 1)
  // or splits words at uneven gaps, and the plate's own spacing carries no information.
  const gap = Math.round(gapFactor * GLYPH_H);
  const w = glyphs.reduce((sum, c) => sum + c.w + gap, 0) - gap + 2 * PAD;
  const h = strip.height + 2 * PAD;
  const out = new Uint8Array(Math.max(1, w) * h).fill(255);
  let left = PAD;
  const spans: { x0: number; x1: number }[] = [];
  for (const c of glyphs) {
    spans.push({ x0: left, x1: left + c.w });
    for (let y = c.y; y < c.y + c.h; y++) {
      for (let x = c.x; x < c.x + c.w; x++) {
        if (labels[y * strip.width + x] === c.id + 1) out[(y + PAD) * w + left + x - c.x] = 0;
      }
    }
    left += c.w + gap;
  }
  return { image: { width: Math.max(1, w), height: h, data: out }, glyphs: spans };
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

function bilinear(img: Gray, x: number, y: number): number {
  const { width: w, height: h, data } = img;
  if (x < 0 || y < 0 || x > w - 1 || y > h - 1) {
    const cx = Math.min(w - 1, Math.max(0, Math.round(x)));
    const cy = Math.min(h - 1, Math.max(0, Math.round(y)));
    return data[cy * w + cx]!;
  }
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = x - x0;
  const fy = y - y0;
  const top = data[y0 * w + x0]! * (1 - fx) + data[y0 * w + x1]! * fx;
  const bottom = data[y1 * w + x0]! * (1 - fx) + data[y1 * w + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** The plate's axis-aligned box in frame pixels, estimated from the run plus typical margins. */
export function plateBox(line: TextLine, frameW: number, frameH: number): Box {
  const halfL = line.length / 2 + 0.35 * line.charH;
  const halfH = 0.85 * line.charH;
  const cos = Math.abs(Math.cos(line.angle));
  const sin = Math.abs(Math.sin(line.angle));
  const ex = halfL * cos + halfH * sin;
  const ey = halfL * sin + halfH * cos;
  const x0 = Math.max(0, Math.floor(line.cx - ex));
  const y0 = Math.max(0, Math.floor(line.cy - ey));
  const x1 = Math.min(frameW, Math.ceil(line.cx + ex));
  const y1 = Math.min(frameH, Math.ceil(line.cy + ey));
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Maps a line found on a downscaled frame back to full-resolution coordinates. */
export function scaleLine(line: TextLine, factor: number): TextLine {
  if (factor === 1) return line;
  return {
    ...line,
    cx: line.cx * factor,
    cy: line.cy * factor,
    charH: line.charH * factor,
    length: line.length * factor,
  };
}
