/**
 * Exact-read floors of the onnx engine on fixed-seed frames of both generators: A
 * (simulators/camera, developed against) and B (simulators/camera-b, held out). Accuracy only,
 * never timing. Floors sit below the measured figures (A 36/36, B 33/36 on these seeds) so the
 * test fails on a real regression, not on one frame's luck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesB } from '../../simulators/camera-b/index.ts';
import { datasetFrames } from '../../simulators/camera/index.ts';
import { createPlateReader } from './reader.ts';
import type { PlateReadResult } from './types.ts';

const reader = createPlateReader({ workers: 1, timeoutMs: 20_000 });
const a: { plates: string[]; r: PlateReadResult }[] = [];
const b: { plates: string[]; r: PlateReadResult }[] = [];

beforeAll(async () => {
  expect(await reader.ready()).toBeNull();
  for await (const f of datasetFrames(48, 4242, { degrade: 'realistic', noPlateRatio: 0.2 }))
    a.push({ plates: f.truth.plate ? [f.truth.plate] : [], r: await reader.read(f.image) });
  for await (const f of framesB(40, 777))
    b.push({ plates: f.plates.map((p) => p.plate), r: await reader.read(f.image) });
}, 150_000);

afterAll(() => reader.close());

function score(set: typeof a) {
  const withPlate = set.filter((x) => x.plates.length > 0);
  const exact = withPlate.filter((x) => x.r.plate !== null && x.plates.includes(x.r.plate)).length;
  const falsePlates = set.filter((x) => x.plates.length === 0 && x.r.plate !== null).length;
  if (process.env.LPR_TEST_VERBOSE) console.info(`exact ${exact}/${withPlate.length}, false ${falsePlates}`);
  return { exact, n: withPlate.length, falsePlates, empty: set.length - withPlate.length };
}

describe('onnx engine, exact-read floors', () => {
  it('generator A: ≥ 95% exact, no false plate', () => {
    const s = score(a);
    expect(s.n).toBeGreaterThan(30);
    expect(s.exact / s.n).toBeGreaterThanOrEqual(0.95);
    expect(s.falsePlates).toBe(0);
  });

  it('generator B (held out): ≥ 75% exact, at most one false plate', () => {
    const s = score(b);
    expect(s.n).toBeGreaterThan(25);
    expect(s.exact / s.n).toBeGreaterThanOrEqual(0.75);
    expect(s.falsePlates).toBeLessThanOrEqual(1);
  });

  it('reads carry per-glyph probabilities that spell the plate', () => {
    for (const { r } of [...a, ...b]) {
      expect(r.engine).toBe('onnx');
      if (!r.plate) continue;
      expect(r.glyphs?.map((g) => g.char).join('')).toBe(r.plate);
      for (const g of r.glyphs ?? []) expect(g.p).toBeGreaterThan(0);
      for (const g of r.glyphs ?? []) expect(g.p).toBeLessThanOrEqual(1.0001);
    }
  });

  it('bad images still get their error code through the onnx engine, counted', async () => {
    const frame = (await datasetFrames(1, 5).next()).value!.image;
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'LPR_EMPTY_INPUT'],
      [Buffer.from('plain text, not a frame'), 'LPR_UNSUPPORTED_FORMAT'],
      [frame.subarray(0, 1200), 'LPR_CORRUPT_IMAGE'],
    ];
    for (const [bytes, code] of cases) {
      const r = await reader.read(bytes);
      expect(r.error?.code).toBe(code);
      expect(r.plate).toBeNull();
      expect(reader.stats().errors[code as 'LPR_EMPTY_INPUT']).toBe(1);
    }
    // and the reader still reads after them
    expect((await reader.read(frame)).error).toBeUndefined();
  });
});
