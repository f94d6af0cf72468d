/**
 * Geometry of a located character run: sample it level (undoing rotation) at a fixed glyph
 * height, and map it back to a plate box in frame coordinates.
 */
import type { Gray } from './image.ts';
import type { TextLine } from './locate.ts';
import type { Box } from '../../core/ports/camera.ts';

/** Glyph height for OCR: LSTM tesseract is most accurate at roughly 30–50 px cap height. */
export const GLYPH_H = 40;

/**
 * The run (in `src` coordinates) rotated level and scaled to GLYPH_H, with margins, still in
 * grey. `slant` (horizontal shift per pixel of height) undoes a sheared view of the plate.
 */
export function sampleStrip(src: Gray, line: TextLine, slant = 0): Gray {
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
      const along = u / s - padAlong - line.length / 2 + slant * perp;
      strip[v * outW + u] = bilinear(
        src,
        line.cx + along * cos - perp * sin,
        line.cy + along * sin + perp * cos,
      );
    }
  }
  return { width: outW, height: outH, data: strip };
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
