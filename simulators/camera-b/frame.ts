/**
 * Generator B: camera frames written separately from simulators/camera, for held-out
 * evaluation only (never tune the reader on it). A street with one or two vehicles seen
 * from a pole-mounted camera, shop signs as distractors, and per-frame conditions.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import { type Design, DESIGNS, drawPlate, plateNumber } from './designs.ts';
import { plateFonts } from './fonts.ts';
import { type Rand, rand } from './rand.ts';

export type Condition =
  | 'clean'
  | 'blur'
  | 'motion'
  | 'night'
  | 'shadow'
  | 'rotation'
  | 'perspective'
  | 'overexposed'
  | 'rain'
  | 'dirt'
  | 'occlusion';
export const CONDITIONS: readonly Condition[] = [
  'blur',
  'motion',
  'night',
  'shadow',
  'rotation',
  'perspective',
  'overexposed',
  'rain',
  'dirt',
  'occlusion',
];

export interface PlateTruth {
  plate: string;
  design: Design;
  font: string;
  /** Axis-aligned box in frame pixels [x, y, w, h]. */
  box: [number, number, number, number];
}

export interface FrameB {
  image: Buffer;
  /** Plates in the frame, nearest vehicle first; empty when no vehicle shows a plate. */
  plates: PlateTruth[];
  conditions: Condition[];
}

export interface FrameBOptions {
  seed: number;
  width?: number;
  height?: number;
  /** Force a frame without plates (a vehicle with a TAXI or SALE sticker instead). */
  noPlate?: boolean;
  conditions?: Condition[];
  design?: Design;
}

const SIGNS = ['TAXI', 'SCHOOL', 'PARKING', 'SALE 50%', 'HOTEL', 'OPEN'];

export async function renderFrameB(o: FrameBOptions): Promise<FrameB> {
  const r = rand(o.seed);
  const W = o.width ?? 640;
  const H = o.height ?? 480;
  const k = W / 640;
  const fonts = plateFonts();
  const conditions = o.conditions ?? drawConditions(r);
  const has = (c: Condition): boolean => conditions.includes(c);
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  street(g, r, W, H);
  signs(g, r, W, H);
  if (has('rain')) rain(g, r, W, H, 'behind');

  const vehicles = r.chance(0.3) ? 2 : 1;
  const nearX = r.range(0.3, 0.7) * W;
  const plates: PlateTruth[] = [];
  // Painter's order: the far vehicle (smaller, higher, on the other side) first.
  for (let v = vehicles - 1; v >= 0; v--) {
    const far = v === 1;
    const pw = (far ? r.range(95, 130) : r.range(115, 215)) * k * (W > 1000 ? r.range(0.6, 1) : 1);
    const cx = far ? (nearX > W / 2 ? r.range(0.15, 0.28) : r.range(0.72, 0.85)) * W : nearX;
    const cy = far ? r.range(0.42, 0.52) * H : r.range(0.64, 0.8) * H;
    const bodyW = pw * r.range(3.2, 3.8);
    body(g, r, cx, cy, bodyW, pw);
    if (o.noPlate && v === 0) {
      sticker(g, r, cx, cy, pw, fonts);
      continue;
    }
    const design = o.design ?? r.pick(DESIGNS);
    const plate = plateNumber(r, design);
    const font = r.pick(fonts);
    const plateCanvas = drawPlate(r, design, plate, font);
    const pg = plateCanvas.getContext('2d');
    if (has('dirt') && !far) dirt(pg, r, plateCanvas.width, plateCanvas.height);
    const rot =
      ((has('rotation') ? r.range(6, 12) : r.range(0, 2.5)) * (r.chance(0.5) ? -1 : 1) * Math.PI) / 180;
    const squash = has('perspective') ? r.range(0.55, 0.75) : r.range(0.9, 1);
    const shear = has('perspective') ? r.range(0.15, 0.3) * (r.chance(0.5) ? -1 : 1) : 0;
    const s = pw / plateCanvas.width;
    g.save();
    g.translate(cx, cy);
    g.rotate(rot);
    g.transform(1, 0, shear, 1, 0, 0);
    g.scale(s, s * squash);
    g.drawImage(plateCanvas, -plateCanvas.width / 2, -plateCanvas.height / 2);
    g.restore();
    const box = transformedBox(
      plateCanvas.width * s,
      plateCanvas.height * s * squash,
      rot,
      shear,
      cx,
      cy,
      W,
      H,
    );
    if (has('occlusion') && !far) towBar(g, r, cx, cy, pw, plateCanvas.height * s * squash);
    if (has('shadow') && !far) shadow(g, r, box);
    if (far) plates.push({ plate, design, font, box });
    else plates.unshift({ plate, design, font, box });
  }
  if (has('rain')) rain(g, r, W, H, 'front');

  const rgba = g.getImageData(0, 0, W, H).data;
  tone(rgba, r, conditions);
  let img = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length), {
    raw: { width: W, height: H, channels: 4 },
  });
  if (has('blur')) img = img.blur(r.range(1.0, 1.8) * Math.max(1, k * 0.6));
  if (has('motion')) {
    const n = 2 * Math.round(r.range(2, 4) * Math.max(1, k * 0.6)) + 1;
    // libvips wants at least 3 rows: a horizontal line kernel in the middle one.
    const kernel = [...Array(n).fill(0), ...Array(n).fill(1 / n), ...Array(n).fill(0)];
    img = img.convolve({ width: n, height: 3, kernel });
  }
  const image = await img
    .removeAlpha()
    .jpeg({ quality: Math.round(r.range(55, 90)) })
    .toBuffer();
  return { image, plates, conditions };
}

function drawConditions(r: Rand): Condition[] {
  if (r.chance(0.2)) return ['clean'];
  const first = r.pick(CONDITIONS);
  if (r.chance(0.5)) return [first];
  const second = r.pick(CONDITIONS.filter((c) => c !== first && !(first === 'night' && c === 'overexposed')));
  return first === 'overexposed' && second === 'night' ? [first] : [first, second];
}

function street(g: SKRSContext2D, r: Rand, W: number, H: number): void {
  const sky = g.createLinearGradient(0, 0, 0, H * 0.45);
  sky.addColorStop(0, r.pick(['#8fb3d9', '#b9c2cc', '#6d8fb5']));
  sky.addColorStop(1, '#dfe4e8');
  g.fillStyle = sky;
  g.fillRect(0, 0, W, H);
  for (let x = 0; x < W; ) {
    const bw = r.range(0.12, 0.3) * W;
    const top = r.range(0.05, 0.3) * H;
    g.fillStyle = `hsl(${Math.floor(r.range(0, 360))},${Math.floor(r.range(5, 30))}%,${Math.floor(r.range(35, 70))}%)`;
    g.fillRect(x, top, bw, H * 0.5 - top);
    g.fillStyle = 'rgba(40,50,70,0.55)';
    for (let wy = top + 10; wy < H * 0.45; wy += H * 0.07)
      for (let wx = x + 8; wx < x + bw - 14; wx += W * 0.045) g.fillRect(wx, wy, W * 0.025, H * 0.04);
    x += bw;
  }
  g.fillStyle = r.pick(['#5a5a5e', '#4a4d52', '#66615b']);
  g.fillRect(0, H * 0.5, W, H * 0.5);
  g.strokeStyle = '#e8e8e0';
  g.lineWidth = Math.max(2, W / 160);
  g.setLineDash([W / 20, W / 25]);
  g.beginPath();
  g.moveTo(0, H * 0.9);
  g.lineTo(W, H * 0.86);
  g.stroke();
  g.setLineDash([]);
}

/** Shop and street signs: text that is not a plate. */
function signs(g: SKRSContext2D, r: Rand, W: number, H: number): void {
  const n = 1 + Math.floor(r.range(0, 3));
  for (let i = 0; i < n; i++) {
    const text = r.pick(SIGNS);
    const px = r.range(16, 34) * (W / 640);
    g.font = `bold ${px}px "${r.pick(plateFonts())}"`;
    // measureText under-reports these bold faces by up to a glyph: leave room.
    const tw = g.measureText(text).width * 1.25;
    const x = r.range(0.02, 0.8) * W;
    const y = r.range(0.08, 0.42) * H;
    g.fillStyle = r.pick(['#fff', '#ffde00', '#c8102e', '#0b5']);
    g.fillRect(x - px * 0.4, y - px * 0.9, tw + px * 0.8, px * 1.3);
    g.fillStyle = r.pick(['#111', '#003', '#fff']);
    g.textAlign = 'left';
    g.fillText(text, x, y);
  }
}

function body(g: SKRSContext2D, r: Rand, cx: number, cy: number, bw: number, pw: number): void {
  const colour = r.pick(['#a01818', '#1d3c78', '#e5e5e5', '#222', '#777', '#2f6b2f', '#c9a227']);
  g.fillStyle = colour;
  g.beginPath();
  g.roundRect(cx - bw / 2, cy - pw * 1.4, bw, pw * 2.1, pw * 0.3);
  g.fill();
  g.fillStyle = 'rgba(30,40,55,0.85)';
  g.fillRect(cx - bw * 0.38, cy - pw * 2.3, bw * 0.76, pw * 0.95);
  g.fillStyle = '#ddd';
  g.fillRect(cx - bw * 0.45, cy - pw * 0.9, bw * 0.16, pw * 0.3);
  g.fillRect(cx + bw * 0.29, cy - pw * 0.9, bw * 0.16, pw * 0.3);
  g.fillStyle = '#1a1a1a';
  g.fillRect(cx - bw / 2, cy + pw * 0.35, bw, pw * 0.3); // bumper
}

/** A plate-shaped sticker or dealer sign where the plate would be. */
function sticker(g: SKRSContext2D, r: Rand, cx: number, cy: number, pw: number, fonts: string[]): void {
  const text = r.pick(['TAXI', 'SALE 50%', 'SCHOOL', 'PARKING']);
  g.fillStyle = r.pick(['#fff', '#ffde00']);
  g.fillRect(cx - pw / 2, cy - pw * 0.12, pw, pw * 0.24);
  g.fillStyle = '#111';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.font = `bold ${pw * 0.16}px "${r.pick(fonts)}"`;
  g.fillText(text, cx, cy);
  g.textAlign = 'start';
  g.textBaseline = 'alphabetic';
}

function dirt(g: SKRSContext2D, r: Rand, w: number, h: number): void {
  for (let i = 0; i < 10; i++) {
    g.fillStyle = `rgba(${90 + r.range(0, 40)},${70 + r.range(0, 30)},40,${r.range(0.15, 0.4)})`;
    g.beginPath();
    g.ellipse(
      r.range(0, w),
      r.range(h * 0.5, h),
      r.range(10, 50),
      r.range(5, 22),
      r.range(0, 3),
      0,
      2 * Math.PI,
    );
    g.fill();
  }
}

/** A tow bar in front of the plate's lower middle: bar, neck and ball. */
function towBar(g: SKRSContext2D, r: Rand, cx: number, cy: number, pw: number, ph: number): void {
  const x = cx + r.range(-0.15, 0.15) * pw;
  const top = cy + ph * r.range(0.1, 0.25);
  g.fillStyle = '#161616';
  g.fillRect(x - pw * 0.05, top, pw * 0.1, ph * 1.3);
  g.beginPath();
  g.arc(x, top, pw * 0.06, 0, 2 * Math.PI);
  g.fill();
}

function shadow(g: SKRSContext2D, r: Rand, box: [number, number, number, number]): void {
  const [x, y, w, h] = box;
  const cut = x + r.range(0.25, 0.75) * w;
  g.fillStyle = `rgba(0,0,0,${r.range(0.35, 0.6)})`;
  g.beginPath();
  g.moveTo(cut - h * 0.5, y - h);
  g.lineTo(x + w * 2, y - h);
  g.lineTo(x + w * 2, y + 2 * h);
  g.lineTo(cut + h * 0.5, y + 2 * h);
  g.closePath();
  g.fill();
}

function rain(g: SKRSContext2D, r: Rand, W: number, H: number, layer: 'behind' | 'front'): void {
  const n = layer === 'front' ? 140 : 80;
  g.strokeStyle = layer === 'front' ? 'rgba(220,225,235,0.45)' : 'rgba(200,205,215,0.3)';
  g.lineWidth = Math.max(1, W / 640);
  const slope = r.range(-0.25, 0.25);
  for (let i = 0; i < n; i++) {
    const x = r.range(0, W);
    const y = r.range(0, H);
    const len = r.range(0.03, 0.08) * H;
    g.beginPath();
    g.moveTo(x, y);
    g.lineTo(x + slope * len, y + len);
    g.stroke();
  }
}

/** Exposure and sensor noise on the finished frame. */
function tone(px: Uint8ClampedArray, r: Rand, conditions: Condition[]): void {
  const night = conditions.includes('night');
  const over = conditions.includes('overexposed');
  if (!night && !over) return;
  const gain = night ? r.range(0.22, 0.4) : r.range(1.5, 1.9);
  const lift = over ? r.range(30, 60) : 0;
  const sigma = night ? r.range(6, 12) : 3;
  for (let i = 0; i < px.length; i += 4) {
    const n = sigma * r.normal();
    for (let c = 0; c < 3; c++) px[i + c] = px[i + c]! * gain + lift + n;
  }
}

function transformedBox(
  w: number,
  h: number,
  rot: number,
  shear: number,
  cx: number,
  cy: number,
  W: number,
  H: number,
): [number, number, number, number] {
  const pts = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ].map(([x, y]) => {
    const xs = x! + shear * y!;
    return [cx + xs * Math.cos(rot) - y! * Math.sin(rot), cy + xs * Math.sin(rot) + y! * Math.cos(rot)];
  });
  const xs = pts.map((p) => p[0]!);
  const ys = pts.map((p) => p[1]!);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  return [x0, y0, Math.min(W, Math.ceil(Math.max(...xs))) - x0, Math.min(H, Math.ceil(Math.max(...ys))) - y0];
}
