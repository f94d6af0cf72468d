/**
 * Plate designs of generator B, drawn on their own canvas at 4 px per "plate millimetre"
 * before being placed in the scene: EU band, US style, two-line, dark-on-light and
 * light-on-dark. Numbers follow formats our templates do not know (only `generic` fits).
 */
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Rand } from './rand.ts';

export type Design = 'eu-band' | 'us' | 'two-line' | 'dark-on-light' | 'light-on-dark';
export const DESIGNS: readonly Design[] = ['eu-band', 'us', 'two-line', 'dark-on-light', 'light-on-dark'];

const L = 'ABCDEFGHJKLMNPRSTVWXYZ';
const D = '0123456789';

/** Numbers by design: letters and digits in layouts common in Europe and North America. */
export function plateNumber(r: Rand, design: Design): string {
  const pick = (s: string, n: number): string => Array.from({ length: n }, () => r.pick([...s])).join('');
  switch (design) {
    case 'eu-band':
      return r.chance(0.5) ? pick(L, 2) + pick(D, 3) + pick(L, 2) : pick(L, 2) + pick(D, 2) + pick(L, 3);
    case 'us':
      return r.chance(0.5) ? pick(D, 1) + pick(L, 3) + pick(D, 3) : pick(L, 3) + pick(D, 4);
    case 'two-line':
      return pick(L, 2) + pick(D, 2) + pick(L, 2);
    case 'dark-on-light':
      return pick(L, 3) + pick(D, 2) + pick(L, 1);
    case 'light-on-dark':
      return pick(L, 2) + pick(D, 4);
  }
}

export interface DrawnPlate {
  canvas: Canvas;
  /** Where the glyphs sit, as a fraction of the plate: for truth only. */
}

export function drawPlate(r: Rand, design: Design, text: string, font: string): Canvas {
  const twoLine = design === 'two-line';
  const w = twoLine ? 340 : design === 'us' ? 480 : 620;
  const h = twoLine ? 220 : design === 'us' ? 240 : 140;
  const c = createCanvas(w, h);
  const g = c.getContext('2d');
  const dark = design === 'light-on-dark';
  const bg = dark
    ? r.pick(['#111', '#1b1b28', '#0d2a18'])
    : design === 'dark-on-light'
      ? r.pick(['#f2d31b', '#f4f4ee'])
      : '#f6f6f2';
  const ink = dark
    ? r.pick(['#f4f4f4', '#e8e0c0'])
    : design === 'us'
      ? r.pick(['#16246b', '#7a1010', '#111'])
      : '#141414';
  roundRect(g, 0, 0, w, h, 14, bg);
  g.strokeStyle = dark ? '#bbb' : '#222';
  g.lineWidth = 5;
  g.strokeRect(8, 8, w - 16, h - 16);
  let x0 = 22;
  if (design === 'eu-band') {
    g.fillStyle = '#1f3fa8';
    g.fillRect(8, 8, 64, h - 16);
    g.fillStyle = '#ffd400';
    for (let k = 0; k < 12; k++) {
      const a = (k / 12) * 2 * Math.PI;
      g.beginPath();
      g.arc(40 + 20 * Math.cos(a), 52 + 20 * Math.sin(a), 3.5, 0, 2 * Math.PI);
      g.fill();
    }
    g.fillStyle = '#fff';
    g.font = `bold 30px "${font}"`;
    g.textAlign = 'center';
    g.fillText(r.pick(['D', 'F', 'NL', 'I', 'B']), 40, h - 26);
    x0 = 80;
  }
  g.fillStyle = ink;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  if (design === 'us') {
    g.font = `bold 34px "${font}"`;
    g.fillText(r.pick(['OREGON', 'Ohio', 'TEXAS', 'Maine', 'NEVADA']), w / 2, 42);
    g.font = `bold 18px "${font}"`;
    g.fillText(
      r.pick(['The Beaver State', 'Birthplace of Aviation', 'Vacationland', 'Battle Born']),
      w / 2,
      h - 28,
    );
    fitText(g, spaced(text, 3), font, w - 60, 116, w / 2, h / 2 + 8);
  } else if (twoLine) {
    fitText(g, text.slice(0, 4), font, w - 50, 92, w / 2, h * 0.3);
    fitText(g, text.slice(4), font, w - 50, 92, w / 2, h * 0.73);
  } else {
    const split = design === 'eu-band' ? text.search(/[0-9]/) : 3;
    const shown = `${text.slice(0, split)}${design === 'eu-band' ? '-' : ' '}${text.slice(split)}`;
    fitText(g, shown, font, w - x0 - 24, 104, (x0 + w - 12) / 2, h / 2 + 2);
  }
  return c;
}

const spaced = (t: string, at: number): string => `${t.slice(0, at)} ${t.slice(at)}`;

/** Largest size up to `maxPx` whose width fits. */
function fitText(
  g: SKRSContext2D,
  text: string,
  font: string,
  maxW: number,
  maxPx: number,
  x: number,
  y: number,
): void {
  let px = maxPx;
  for (; px > 10; px -= 2) {
    g.font = `bold ${px}px "${font}"`;
    if (g.measureText(text).width <= maxW) break;
  }
  g.fillText(text, x, y);
}

function roundRect(
  g: SKRSContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  rad: number,
  fill: string,
): void {
  g.fillStyle = fill;
  g.beginPath();
  g.roundRect(x, y, w, h, rad);
  g.fill();
}
