/** Background, vehicle body and text clutter, drawn with canvas 2D primitives. */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { CLUTTER_FONTS } from './fonts.ts';
import type { Rng } from './rng.ts';

const rgb = (r: number, g: number, b: number): string => `rgb(${r | 0},${g | 0},${b | 0})`;

export function drawBackground(ctx: SKRSContext2D, rng: Rng, w: number, h: number): void {
  const horizon = h * rng.float(0.25, 0.5);
  const sky = ctx.createLinearGradient(0, 0, 0, horizon);
  sky.addColorStop(0, rgb(rng.int(90, 170), rng.int(130, 190), rng.int(170, 240)));
  sky.addColorStop(1, rgb(rng.int(180, 230), rng.int(180, 230), rng.int(190, 240)));
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, w, horizon);
  // Buildings with windows: many vertical edges, as in a real street.
  for (let x = -20; x < w; x += rng.int(60, 180)) {
    const bw = rng.int(60, 200);
    const top = horizon * rng.float(0.1, 0.8);
    const shade = rng.int(70, 200);
    ctx.fillStyle = rgb(shade, shade * rng.float(0.85, 1), shade * rng.float(0.8, 1));
    ctx.fillRect(x, top, bw, horizon - top + 2);
    ctx.fillStyle = rgb(shade * 0.5, shade * 0.55, shade * 0.6);
    for (let wy = top + 8; wy < horizon - 12; wy += 22) {
      for (let wx = x + 6; wx < x + bw - 12; wx += 20) ctx.fillRect(wx, wy, 10, 12);
    }
  }
  const g = rng.int(70, 130);
  ctx.fillStyle = rgb(g, g, g + 5);
  ctx.fillRect(0, horizon, w, h - horizon);
  ctx.fillStyle = rgb(220, 220, 200);
  for (let x = rng.int(0, 80); x < w; x += 160) ctx.fillRect(x, h * 0.9, 70, 6);
}

/** Words that are not plates but look like text: signs, stickers, a taxi roof. */
const CLUTTER = [
  'PARKING',
  'OPEN',
  'TAXI',
  'EXIT',
  'SALE 50%',
  'Main St',
  'STOP',
  'BUS ONLY',
  'Hotel',
  'CAFE',
  'No 12',
  'P+R',
  'POLICE',
  'www.shop.com',
  'SCHOOL',
];

export function drawClutter(ctx: SKRSContext2D, rng: Rng, w: number, h: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const text = rng.pick(CLUTTER);
    const size = rng.int(12, 34);
    ctx.font = `${size}px ${rng.pick(CLUTTER_FONTS)}`;
    const tw = ctx.measureText(text).width;
    const x = rng.float(0, Math.max(1, w - tw - 10));
    const y = rng.float(size + 4, h - 6);
    if (rng.chance(0.6)) {
      ctx.fillStyle = rng.pick(['#f4f4f0', '#1d4fa0', '#c02020', '#f0d020', '#207030']);
      ctx.fillRect(x - 6, y - size - 2, tw + 12, size * 1.35);
    }
    ctx.fillStyle = rng.pick(['#111', '#fff', '#222', '#eee']);
    ctx.fillText(text, x, y);
  }
}

export interface VehicleLayout {
  /** Plate centre and width in pixels, before rotation. */
  cx: number;
  cy: number;
  plateW: number;
}

/** Front or rear of a car or van around where the plate sits. */
export function drawVehicle(ctx: SKRSContext2D, rng: Rng, v: VehicleLayout): void {
  const s = v.plateW;
  const bodyW = s * rng.float(3.2, 4.2);
  const left = v.cx - bodyW / 2;
  const top = v.cy - s * rng.float(1.4, 2);
  const bottom = v.cy + s * rng.float(0.45, 0.7);
  const base = [rng.int(20, 235), rng.int(20, 235), rng.int(20, 235)] as const;
  ctx.fillStyle = rgb(...base);
  ctx.beginPath();
  ctx.roundRect(left, top, bodyW, bottom - top, s * 0.25);
  ctx.fill();
  // Windscreen or rear window.
  ctx.fillStyle = rgb(40 + base[0] * 0.15, 50 + base[1] * 0.15, 60 + base[2] * 0.2);
  ctx.beginPath();
  ctx.roundRect(left + bodyW * 0.12, top - s * 0.9, bodyW * 0.76, s * 1.0, s * 0.15);
  ctx.fill();
  // Bumper.
  ctx.fillStyle = rgb(base[0] * 0.4, base[1] * 0.4, base[2] * 0.4);
  ctx.fillRect(left - s * 0.05, v.cy + s * 0.25, bodyW + s * 0.1, s * 0.22);
  // Grille: horizontal bars, a classic source of false plate candidates.
  if (rng.chance(0.8)) {
    ctx.fillStyle = rgb(30, 30, 30);
    const gw = s * rng.float(1.2, 1.8);
    const gy = v.cy - s * rng.float(0.75, 0.95);
    ctx.fillRect(v.cx - gw / 2, gy, gw, s * 0.35);
    ctx.fillStyle = rgb(150, 150, 150);
    for (let y = gy + 4; y < gy + s * 0.35 - 2; y += 6) ctx.fillRect(v.cx - gw / 2 + 3, y, gw - 6, 2);
  }
  // Lights.
  const lightColor = rng.chance(0.5) ? '#f5f5e6' : '#c81e1e';
  for (const side of [-1, 1]) {
    ctx.fillStyle = lightColor;
    ctx.beginPath();
    ctx.ellipse(v.cx + side * bodyW * 0.38, v.cy - s * 0.55, s * 0.32, s * 0.15, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  // Wheels peeking out under the body.
  ctx.fillStyle = '#151515';
  for (const side of [-1, 1])
    ctx.fillRect(v.cx + side * bodyW * 0.36 - s * 0.2, bottom - 2, s * 0.4, s * 0.3);
}
