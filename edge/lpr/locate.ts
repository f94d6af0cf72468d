/**
 * Plate localisation by character-like blobs: a plate is a short horizontal run of 4–9 dark
 * blobs of equal height and regular spacing on a bright background. This needs no trained
 * model and copes with rotation (the run is fitted by a line) and scale (blob sizes adapt).
 */
import { sauvola } from './binarize.ts';
import { type Component, label } from './components.ts';
import type { Gray } from './image.ts';

export interface TextLine {
  chars: Component[];
  /** Line direction, radians (positive = clockwise in image coordinates). */
  angle: number;
  /** Centre of the character run. */
  cx: number;
  cy: number;
  /** Median character height, pixels. */
  charH: number;
  /** Length of the run along its direction, pixels. */
  length: number;
  /** Plate-likeness, higher is better (not a probability). */
  score: number;
}

export interface LocateOptions {
  /** Lines to return at most (best first). */
  maxLines?: number;
}

export function findTextLines(img: Gray, o: LocateOptions = {}): TextLine[] {
  const window = Math.max(15, Math.min(41, Math.round(Math.min(img.width, img.height) / 16) | 1));
  const { components } = label(sauvola(img, window, 0.18));
  const chars = components.filter((c) => isCharLike(c, img.height));
  const groups = linkChars(chars);
  const lines: TextLine[] = [];
  for (const g of groups) {
    const line = fitLine(g);
    if (line) lines.push(line);
  }
  return lines.sort((a, b) => b.score - a.score).slice(0, o.maxLines ?? 4);
}

function isCharLike(c: Component, frameH: number): boolean {
  if (c.h < 8 || c.h > frameH * 0.3) return false;
  const aspect = c.w / c.h;
  const fill = c.area / (c.w * c.h);
  // Upper bound 1.3: two glyphs merged by motion blur still pass (the OCR splits them again).
  return aspect >= 0.08 && aspect <= 1.3 && fill >= 0.12 && fill <= 0.95;
}

/** Links each blob to its nearest compatible right neighbour, then joins the chains. */
function linkChars(chars: Component[]): Component[][] {
  const sorted = [...chars].sort((a, b) => a.x - b.x);
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    let best = -1;
    let bestGap = Number.POSITIVE_INFINITY;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      const h = Math.max(a.h, b.h);
      const gap = b.x - (a.x + a.w);
      if (gap > 1.4 * h) break;
      if (gap < -0.3 * h) continue; // overlapping boxes: stacked, not side by side
      if (Math.max(a.h, b.h) / Math.min(a.h, b.h) > 1.35) continue;
      // ±15° of rotation allowed between neighbours.
      if (Math.abs(b.cy - a.cy) > 0.3 * h + 0.27 * Math.abs(b.cx - a.cx)) continue;
      if (gap < bestGap) {
        bestGap = gap;
        best = j;
      }
    }
    if (best >= 0) parent[find(best)] = find(i);
  }
  const groups = new Map<number, Component[]>();
  sorted.forEach((c, i) => {
    const root = find(i);
    const g = groups.get(root) ?? [];
    g.push(c);
    groups.set(root, g);
  });
  return [...groups.values()].filter((g) => g.length >= 4 && g.length <= 12);
}

/** Least-squares line through the blob centres; drops outliers; scores the run. */
function fitLine(group: Component[]): TextLine | null {
  let chars = group;
  for (let pass = 0; pass < 2; pass++) {
    const { slope, intercept } = regress(chars);
    const hMed = median(chars.map((c) => c.h));
    // Tops align even where a glyph descends (J, Q in many fonts): accept centre or top on the line.
    const topOffset = median(chars.map((c) => c.cy - c.y));
    const onLine = (c: Component, y: number): boolean =>
      Math.abs(y - (slope * c.cx + intercept)) <= 0.3 * hMed;
    const kept = chars.filter((c) => onLine(c, c.cy) || onLine(c, c.y + topOffset));
    if (kept.length === chars.length) break;
    chars = kept;
  }
  if (chars.length < 4) return null;
  const { slope, intercept } = regress(chars);
  const angle = Math.atan(slope);
  if (Math.abs(angle) > (15 * Math.PI) / 180) return null;
  const heights = chars.map((c) => c.h);
  const charH = median(heights) * Math.cos(angle);
  const first = chars[0]!;
  const last = chars[chars.length - 1]!;
  const x0 = first.x;
  const x1 = last.x + last.w;
  const length = (x1 - x0) / Math.cos(angle);
  const cx = (x0 + x1) / 2;
  const cy = slope * cx + intercept;
  return { chars, angle, cx, cy, charH, length, score: scoreLine(chars, charH, length) };
}

function scoreLine(chars: Component[], charH: number, length: number): number {
  const n = chars.length;
  const countScore = n >= 5 && n <= 8 ? 1 : n === 4 || n === 9 ? 0.6 : 0.3;
  const hs = chars.map((c) => c.h);
  const mean = hs.reduce((a, b) => a + b, 0) / n;
  const cv = Math.sqrt(hs.reduce((a, b) => a + (b - mean) ** 2, 0) / n) / mean;
  const heightScore = Math.max(0, 1 - cv * 4);
  // Plate runs are 3–6 character heights long for 6–7 glyphs.
  const ratio = length / charH;
  const lengthScore = ratio >= 2.5 && ratio <= 7 ? 1 : 0.5;
  return countScore * (0.4 + 0.6 * heightScore) * lengthScore;
}

function regress(chars: Component[]): { slope: number; intercept: number } {
  const n = chars.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const c of chars) {
    sx += c.cx;
    sy += c.cy;
    sxx += c.cx * c.cx;
    sxy += c.cx * c.cy;
  }
  const den = n * sxx - sx * sx;
  const slope = den === 0 ? 0 : (n * sxy - sx * sy) / den;
  return { slope, intercept: (sy - slope * sx) / n };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 0;
}
