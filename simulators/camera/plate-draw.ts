/** Draws one plate in its own coordinates (centred on 0,0) under the caller's transform. */
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { PlateStyle } from './plates.ts';
import type { Rng } from './rng.ts';

/** Real plates are about 400×130 mm (Mercosur) to 520×110 mm (EU): width/height 3–4.7. */
export function plateAspect(style: PlateStyle, rng: Rng): number {
  return style === 'mercosur' ? 3.08 : rng.float(2.9, 3.6);
}

export function drawPlate(
  ctx: SKRSContext2D,
  rng: Rng,
  o: { text: string; style: PlateStyle; w: number; h: number; font: string; country: string },
): void {
  const { w, h } = o;
  const bg = o.style === 'yellow' ? '#f2c81e' : '#f7f7f2';
  ctx.fillStyle = bg;
  ctx.strokeStyle = '#151515';
  ctx.lineWidth = Math.max(1.5, h * 0.04);
  ctx.beginPath();
  ctx.roundRect(-w / 2, -h / 2, w, h, h * 0.08);
  ctx.fill();
  ctx.stroke();
  let textTop = -h / 2 + h * 0.12;
  let textH = h * 0.76;
  if (o.style === 'mercosur') {
    const band = h * 0.24;
    ctx.fillStyle = '#1c3f94';
    ctx.fillRect(-w / 2 + ctx.lineWidth / 2, -h / 2 + ctx.lineWidth / 2, w - ctx.lineWidth, band);
    ctx.fillStyle = '#ffffff';
    ctx.font = `${Math.max(5, band * 0.6)}px CamPlateSans`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('MERCOSUR', 0, -h / 2 + band * 0.55);
    ctx.textAlign = 'left';
    ctx.fillText(o.country, -w / 2 + w * 0.04, -h / 2 + band * 0.55);
    textTop = -h / 2 + band + h * 0.06;
    textH = h - band - h * 0.14;
  } else if (rng.chance(0.3)) {
    // A small dealer or region line under the number, as on many older plates.
    ctx.fillStyle = '#333';
    ctx.font = `${Math.max(5, h * 0.1)}px CamPlateSans`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(rng.pick(['AUTO SUL', 'CITY', 'DEALER 24']), 0, h / 2 - h * 0.05);
    textH = h * 0.66;
  }
  // DejaVu caps are ~0.73 of the font size; caps fill 85% of the text area so that the
  // descenders of J and Q (which real plate fonts do not have) stay off the border.
  const size = (textH * 0.85) / 0.73;
  ctx.font = `${size}px ${o.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  const measured = ctx.measureText(o.text).width;
  // Real plates keep a margin of about half a glyph between the characters and the border.
  const squeeze = Math.min(1, (w * 0.8) / measured);
  ctx.save();
  ctx.translate(0, textTop + textH * 0.45 + size * 0.365);
  ctx.scale(squeeze, 1);
  ctx.fillStyle = '#101010';
  ctx.fillText(o.text, 0, 0);
  ctx.restore();
}
