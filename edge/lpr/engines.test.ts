/** The ONNX engine's fallback: models missing or corrupt → tesseract.js reads, counted and logged once. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVehicleFrame } from '../../simulators/camera/index.ts';
import { engineStarter } from './engines.ts';
import { defaultModelPaths, ModelLoadError } from './onnx.ts';
import { createPlateReader } from './reader.ts';

let dir = '';
let car: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpr-model-'));
  car = (await renderVehicleFrame({ seed: 31, plate: 'BRAZ204', style: 'mercosur', plateWidth: 240 })).image;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readWith(modelPaths: ReturnType<typeof defaultModelPaths>) {
  const logs: string[] = [];
  const reader = createPlateReader(
    { workers: 1, timeoutMs: 20_000 },
    { modelPaths, log: (m) => logs.push(m) },
  );
  try {
    expect(await reader.ready()).toBeNull();
    const r = await reader.read(car);
    const bad = await reader.read(Buffer.from('not an image'));
    return { r, bad, stats: reader.stats(), logs };
  } finally {
    await reader.close();
  }
}

describe('ONNX engine fallback', () => {
  it('a missing model file: tesseract.js reads instead, LPR_MODEL_UNAVAILABLE counted, logged once', async () => {
    const { r, bad, stats, logs } = await readWith({
      ...defaultModelPaths(),
      det: join(dir, 'missing.onnx'),
    });
    expect(r.engine).toBe('tesseract');
    expect(r.plate).toBe('BRAZ204');
    expect(bad.error?.code).toBe('LPR_UNSUPPORTED_FORMAT');
    expect(stats.errors.LPR_MODEL_UNAVAILABLE).toBe(1);
    expect(stats.fallbacks).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('LPR_MODEL_UNAVAILABLE');
  }, 40_000);

  it('a corrupt model file falls back the same way', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, Buffer.alloc(4096, 0x5a));
    const { r, stats, logs } = await readWith({ ...defaultModelPaths(), rec: corrupt });
    expect(r.engine).toBe('tesseract');
    expect(r.plate).toBe('BRAZ204');
    expect(stats.errors.LPR_MODEL_UNAVAILABLE).toBe(1);
    expect(logs).toHaveLength(1);
  }, 40_000);

  it('with the installed models the onnx engine reads', async () => {
    const { r, stats, logs } = await readWith(defaultModelPaths());
    expect(r.engine).toBe('onnx');
    expect(r.plate).toBe('BRAZ204');
    expect(r.glyphs?.map((g) => g.char).join('')).toBe('BRAZ204');
    expect(stats.fallbacks).toBe(0);
    expect(logs).toHaveLength(0);
  }, 40_000);

  it('after one failed load, restarted workers go straight to tesseract (one log, one count)', async () => {
    let onnxTries = 0;
    const fallbacks: ModelLoadError[] = [];
    const starter = engineStarter(
      'onnx',
      {
        onnx: async () => {
          onnxTries++;
          throw new ModelLoadError('no model');
        },
        tesseract: async () => ({
          recognize: async () => ({ text: '', symbols: [] }),
          terminate: async () => {},
        }),
      },
      (e) => fallbacks.push(e),
    );
    for (let i = 0; i < 3; i++) expect((await starter.start()).name).toBe('tesseract');
    expect(onnxTries).toBe(1);
    expect(fallbacks).toHaveLength(1);
    expect(starter.fallbacks()).toBe(1);
  });
});
