/** The `lpr` command as users run it: a real process, real files, JSON lines on stdout. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVehicleFrame } from '../../simulators/camera/index.ts';

const BIN = join(import.meta.dirname, '../../bin/cityedge.js');
let dir = '';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'lpr', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpr-cli-'));
  const plate = await renderVehicleFrame({ seed: 31, plate: 'BRAZ204', style: 'mercosur', plateWidth: 240 });
  const empty = await renderVehicleFrame({ seed: 32, plate: null });
  await writeFile(join(dir, 'car.jpg'), plate.image);
  await writeFile(join(dir, 'empty.jpg'), empty.image);
  await writeFile(join(dir, 'broken.jpg'), plate.image.subarray(0, 1500));
  await writeFile(join(dir, 'notes.txt'), 'hello');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cityedge lpr --json', () => {
  it('prints one JSON object per image, in order, and exits 1 when a file is bad', async () => {
    const files = ['car.jpg', 'empty.jpg', 'broken.jpg', 'notes.txt', 'missing.jpg'].map((f) => join(dir, f));
    const { code, stdout } = await run(['--json', '--workers', '1', ...files]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const l of lines) {
      expect(Object.keys(l).slice(0, 5)).toEqual(['file', 'plate', 'confidence', 'box', 'ms']);
      expect(typeof l.confidence).toBe('number');
      expect(l.confidence as number).toBeGreaterThanOrEqual(0);
      expect(l.confidence as number).toBeLessThanOrEqual(1);
    }
    const [car, empty, broken, notes, missing] = lines as [
      Record<string, unknown>,
      ...Record<string, unknown>[],
    ];
    expect(car.plate).toBe('BRAZ204');
    expect(car.box).toHaveLength(4);
    expect(empty).toMatchObject({ plate: null, box: null });
    expect(empty!.error).toBeUndefined();
    expect(broken!.error).toMatchObject({ code: 'LPR_CORRUPT_IMAGE' });
    expect(notes!.error).toMatchObject({ code: 'LPR_UNSUPPORTED_FORMAT' });
    expect(missing!.error).toMatchObject({ code: 'LPR_READ_FAILED' });
    expect(code).toBe(1);
  }, 60_000);

  it('prints a readable table without --json and exits 0 when all files are fine', async () => {
    const { code, stdout } = await run(['--workers', '1', join(dir, 'car.jpg')]);
    expect(stdout.split('\n')[0]).toMatch(/file\s+plate\s+conf\s+ms/);
    expect(stdout).toContain('BRAZ204');
    expect(code).toBe(0);
  }, 60_000);

  it('reports ms as service time and the wait for the one worker as queueMs', async () => {
    const files = ['car.jpg', 'empty.jpg', 'car.jpg', 'empty.jpg'].map((f) => join(dir, f));
    const t0 = performance.now();
    const { stdout } = await run(['--json', '--workers', '1', ...files]);
    const wall = performance.now() - t0;
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ms: number; queueMs: number; engine?: string });
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(l.ms).toBeGreaterThan(0);
      expect(l.queueMs).toBeGreaterThanOrEqual(0);
      expect(l.engine).toBe('onnx');
    }
    // One worker, four frames queued at once: the last waited at least for one other frame's
    // service, and the services did not overlap (their sum fits in the process's lifetime).
    const last = lines[3]!;
    expect(last.queueMs).toBeGreaterThanOrEqual(Math.min(...lines.slice(0, 3).map((l) => l.ms)));
    expect(lines.reduce((a, l) => a + l.ms, 0)).toBeLessThan(wall);
  }, 60_000);

  it('--engine tesseract reads with tesseract.js; an unknown engine is refused', async () => {
    const { stdout, code } = await run([
      '--json',
      '--engine',
      'tesseract',
      '--workers',
      '1',
      join(dir, 'car.jpg'),
    ]);
    expect(JSON.parse(stdout.trim())).toMatchObject({ plate: 'BRAZ204', engine: 'tesseract' });
    expect(code).toBe(0);
    const bad = await run(['--json', '--engine', 'magic', join(dir, 'car.jpg')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unknown engine 'magic'");
  }, 60_000);
});
