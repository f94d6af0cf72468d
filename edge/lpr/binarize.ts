/**
 * Local (Sauvola) thresholding: a pixel is ink when darker than its neighbourhood's mean by a
 * margin that grows with local contrast. Unlike a global (Otsu) threshold it survives a
 * shadow edge across the plate and the dim, low-contrast plates of night frames.
 * Sauvola & Pietikäinen 2000: T = m · (1 + k · (s / R − 1)).
 */
import type { Gray } from './image.ts';

export interface Mask {
  width: number;
  height: number;
  /** 1 = ink (dark), 0 = background. */
  data: Uint8Array;
}

export function sauvola(img: Gray, window: number, k = 0.2, r = 128): Mask {
  const { width: w, height: h, data } = img;
  const W = w + 1;
  // Float64: sums of squares of a 1080p frame overflow 32-bit integers.
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * W + x + 1] = sum[y * W + x + 1]! + rs;
      sq[(y + 1) * W + x + 1] = sq[y * W + x + 1]! + rq;
    }
  }
  const half = Math.max(1, window >> 1);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - half);
    const y1 = Math.min(h, y + half + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - half);
      const x1 = Math.min(w, x + half + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * W + x1]! - sum[y0 * W + x1]! - sum[y1 * W + x0]! + sum[y0 * W + x0]!;
      const q = sq[y1 * W + x1]! - sq[y0 * W + x1]! - sq[y1 * W + x0]! + sq[y0 * W + x0]!;
      const mean = s / n;
      const std = Math.sqrt(Math.max(0, q / n - mean * mean));
      const t = mean * (1 + k * (std / r - 1));
      out[y * w + x] = data[y * w + x]! < t ? 1 : 0;
    }
  }
  return { width: w, height: h, data: out };
}
