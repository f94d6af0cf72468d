/** Connected components (8-neighbour) of a binary mask, with the statistics plate finding needs. */
import type { Mask } from './binarize.ts';

export interface Component {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Ink pixels. */
  area: number;
  cx: number;
  cy: number;
}

export interface Labelled {
  components: Component[];
  /** Per pixel: component id + 1, or 0 for background. */
  labels: Int32Array;
}

/** Iterative flood fill with an explicit stack: recursion would overflow on big blobs. */
export function label(mask: Mask, maxComponents = 20_000): Labelled {
  const { width: w, height: h, data } = mask;
  const labels = new Int32Array(w * h);
  const components: Component[] = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < w * h; start++) {
    if (data[start] !== 1 || labels[start] !== 0) continue;
    if (components.length >= maxComponents) break;
    const id = components.length;
    let top = 0;
    stack[top++] = start;
    labels[start] = id + 1;
    let minX = w;
    let minY = h;
    let maxX = 0;
    let maxY = 0;
    let area = 0;
    let sx = 0;
    let sy = 0;
    while (top > 0) {
      const p = stack[--top]!;
      const px = p % w;
      const py = (p - px) / w;
      area++;
      sx += px;
      sy += py;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (data[q] === 1 && labels[q] === 0) {
            labels[q] = id + 1;
            stack[top++] = q;
          }
        }
      }
    }
    components.push({
      id,
      x: minX,
      y: minY,
      w: maxX - minX + 1,
      h: maxY - minY + 1,
      area,
      cx: sx / area,
      cy: sy / area,
    });
  }
  return { components, labels };
}
