/**
 * Degradations seen on real roadside cameras. A spec is resolved from a preset and the frame's
 * seed, so a dataset is reproducible and its difficulty mix is known.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import type { Rng } from './rng.ts';

export interface DegradeSpec {
  rotationDeg: number;
  /** Horizontal shear factor (x += shear·y). */
  shear: number;
  blurSigma: number;
  /** Horizontal motion-blur length in pixels (0 = none). */
  motionPx: number;
  noiseSigma: number;
  /** 0 = none; otherwise the fraction of light a cast shadow removes. */
  shadow: number;
  /** 0 = day; otherwise the ambient light factor (plate lamp keeps the plate readable). */
  night: number;
  jpegQuality: number;
}

export type DegradePreset = 'none' | 'realistic' | 'harsh';

export const NO_DEGRADE: DegradeSpec = {
  rotationDeg: 0,
  shear: 0,
  blurSigma: 0,
  motionPx: 0,
  noiseSigma: 0,
  shadow: 0,
  night: 0,
  jpegQuality: 92,
};

export function resolveDegrade(d: DegradePreset | Partial<DegradeSpec> | undefined, rng: Rng): DegradeSpec {
  if (d === undefined || d === 'none') return { ...NO_DEGRADE };
  if (typeof d === 'object') return { ...NO_DEGRADE, ...d };
  const harsh = d === 'harsh';
  return {
    rotationDeg: rng.float(-8, 8),
    shear: rng.float(-0.15, 0.15),
    blurSigma: rng.chance(harsh ? 0.7 : 0.5) ? rng.float(0.4, harsh ? 1.8 : 1.1) : 0,
    motionPx: rng.chance(harsh ? 0.4 : 0.2) ? rng.int(3, harsh ? 9 : 5) : 0,
    noiseSigma: rng.float(2, harsh ? 14 : 8),
    shadow: rng.chance(harsh ? 0.4 : 0.25) ? rng.float(0.3, harsh ? 0.7 : 0.55) : 0,
    night: rng.chance(harsh ? 0.3 : 0.15) ? rng.float(harsh ? 0.2 : 0.3, 0.5) : 0,
    jpegQuality: rng.int(harsh ? 25 : 40, 90),
  };
}

/** A hard-edged cast shadow whose edge crosses near (cx, cy), e.g. a pole or the car ahead. */
export function castShadow(
  ctx: SKRSContext2D,
  rng: Rng,
  strength: number,
  cx: number,
  cy: number,
  span: number,
): void {
  const angle = rng.float(0, Math.PI);
  const ox = cx + rng.float(-0.3, 0.3) * span;
  const oy = cy + rng.float(-0.2, 0.2) * span;
  const dx = Math.cos(angle) * 5000;
  const dy = Math.sin(angle) * 5000;
  const nx = -dy;
  const ny = dx;
  const v = Math.round(255 * (1 - strength));
  ctx.save();
  ctx.globalCompositeOperation = 'multiply';
  ctx.fillStyle = `rgb(${v},${v},${v})`;
  ctx.beginPath();
  ctx.moveTo(ox - dx, oy - dy);
  ctx.lineTo(ox + dx, oy + dy);
  ctx.lineTo(ox + dx + nx, oy + dy + ny);
  ctx.lineTo(ox - dx + nx, oy - dy + ny);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

/** Night: everything dark and bluish except the pool of light from the plate lamp. */
export function applyNight(
  ctx: SKRSContext2D,
  ambient: number,
  cx: number,
  cy: number,
  plateW: number,
  w: number,
  h: number,
): void {
  const a = Math.round(255 * ambient);
  const g = ctx.createRadialGradient(cx, cy, plateW * 0.2, cx, cy, plateW * 1.1);
  g.addColorStop(0, 'rgb(215,215,205)');
  g.addColorStop(1, `rgb(${a},${a},${Math.min(255, a + 20)})`);
  ctx.save();
  ctx.globalCompositeOperation = 'multiply';
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  ctx.restore();
}

/** Optical blur, motion blur, sensor noise and JPEG: the pixel-level part, after drawing. */
export async function finishPixels(
  rgba: Uint8Array,
  w: number,
  h: number,
  spec: DegradeSpec,
  rng: Rng,
  format: 'jpeg' | 'png',
): Promise<Buffer> {
  let img = sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).removeAlpha();
  if (spec.blurSigma >= 0.3) img = img.blur(spec.blurSigma);
  if (spec.motionPx >= 2) {
    const k = spec.motionPx % 2 === 1 ? spec.motionPx : spec.motionPx + 1;
    const kernel = new Array<number>(k * 3).fill(0);
    for (let i = 0; i < k; i++) kernel[k + i] = 1 / k;
    img = img.convolve({ width: k, height: 3, kernel });
  }
  const { data } = await img.raw().toBuffer({ resolveWithObject: true });
  if (spec.noiseSigma > 0) addNoise(data, spec.noiseSigma, rng);
  const out = sharp(data, { raw: { width: w, height: h, channels: 3 } });
  return format === 'png' ? out.png().toBuffer() : out.jpeg({ quality: spec.jpegQuality }).toBuffer();
}

function addNoise(data: Buffer, sigma: number, rng: Rng): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]! + rng.gauss() * sigma;
    data[i] = Math.min(255, Math.max(0, v));
  }
}
