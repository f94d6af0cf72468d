/** Fixed-seed streams of generator-B frames (one at a time: 1080p frames stay small in memory). */
import { type FrameB, renderFrameB } from './frame.ts';
import { rand } from './rand.ts';

export async function* framesB(
  n: number,
  seed: number,
  o: { width?: number; height?: number; noPlateRatio?: number } = {},
): AsyncGenerator<FrameB & { index: number; seed: number }> {
  const r = rand(seed);
  for (let index = 0; index < n; index++) {
    const frameSeed = Math.floor(r.u() * 2 ** 31);
    const noPlate = r.chance(o.noPlateRatio ?? 0.15);
    const f = await renderFrameB({
      seed: frameSeed,
      width: o.width ?? 640,
      height: o.height ?? 480,
      noPlate,
    });
    yield { ...f, index, seed: frameSeed };
  }
}
