/** Localisation and segmentation on drawn images, without OCR: fast, exact geometry. */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { ensureFonts } from '../../simulators/camera/fonts.ts';
import { estimateSlant, extractGlyphs } from './glyphs.ts';
import type { Gray } from './image.ts';
import { findTextLines } from './locate.ts';
import { GLYPH_H, sampleStrip } from './strip.ts';

interface Drawn {
  text: string;
  angleDeg?: number;
  shear?: number;
  border?: boolean;
  clutter?: boolean;
}

/** Grey 640×480 frame with `text` drawn at (320, 240), 36 px font, optionally on a bordered plate. */
function draw(o: Drawn): Gray {
  ensureFonts();
  const canvas = createCanvas(640, 480);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#777';
  ctx.fillRect(0, 0, 640, 480);
  if (o.clutter) {
    ctx.fillStyle = '#333';
    for (let x = 20; x < 620; x += 9) ctx.fillRect(x, 40, 3, 60); // fence: tall thin bars, no text
  }
  ctx.translate(320, 240);
  ctx.rotate(((o.angleDeg ?? 0) * Math.PI) / 180);
  ctx.transform(1, 0, o.shear ?? 0, 1, 0, 0);
  ctx.fillStyle = '#f5f5f0';
  ctx.fillRect(-130, -32, 260, 64);
  if (o.border) {
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 3;
    ctx.strokeRect(-130, -32, 260, 64);
  }
  ctx.fillStyle = '#111';
  ctx.font = '40px CamPlateMono';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(o.text, 0, 0);
  const rgba = ctx.getImageData(0, 0, 640, 480).data;
  const data = new Uint8Array(640 * 480);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4]!;
  return { width: 640, height: 480, data };
}

describe('findTextLines', () => {
  it('finds a level run of glyphs where it was drawn', () => {
    const [line] = findTextLines(draw({ text: 'ABC 123' }));
    expect(line).toBeDefined();
    expect(Math.abs(line!.cx - 320)).toBeLessThan(10);
    expect(Math.abs(line!.cy - 240)).toBeLessThan(6);
    expect(line!.chars.length).toBe(6);
    expect(Math.abs(line!.angle)).toBeLessThan(0.02);
    expect(line!.charH).toBeGreaterThan(22);
    expect(line!.charH).toBeLessThan(34);
  });

  it.each([-8, -4, 4, 8])('measures a rotation of %d°', (deg) => {
    const [line] = findTextLines(draw({ text: 'KTZ482', angleDeg: deg }));
    expect(((line!.angle * 180) / Math.PI - deg) ** 2).toBeLessThan(1.5 ** 2);
  });

  it('finds nothing in a frame with no text, even with a fence of bars', () => {
    const blank = draw({ text: '', clutter: true });
    expect(findTextLines(blank)).toEqual([]);
  });
});

describe('extractGlyphs', () => {
  it('keeps the glyphs and drops the plate border', () => {
    const frame = draw({ text: 'ABCD 123', border: true });
    const [line] = findTextLines(frame);
    const set = extractGlyphs(sampleStrip(frame, line!));
    expect(set.glyphs).toHaveLength(7);
    for (const g of set.glyphs) {
      expect(g.h).toBeGreaterThan(0.8 * GLYPH_H);
      expect(g.h).toBeLessThan(1.2 * GLYPH_H);
    }
  });

  it('drops the hyphen of a legacy plate', () => {
    const frame = draw({ text: 'ABC-123', border: true });
    const set = extractGlyphs(sampleStrip(frame, findTextLines(frame)[0]!));
    expect(set.glyphs).toHaveLength(6);
  });

  it('estimates the slant of a sheared plate so the strip can be resampled upright', () => {
    for (const shear of [-0.15, 0.15]) {
      const frame = draw({ text: 'HLM741', shear, border: true });
      const line = findTextLines(frame)[0]!;
      const slant = estimateSlant(extractGlyphs(sampleStrip(frame, line)));
      expect(Math.abs(slant - shear)).toBeLessThanOrEqual(0.05);
      const upright = estimateSlant(extractGlyphs(sampleStrip(frame, line, slant)));
      expect(Math.abs(upright)).toBeLessThanOrEqual(0.05);
    }
  });
});
