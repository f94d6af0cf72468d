import { appendFile, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderCamera, type FolderCameraOptions } from './folder.ts';
import { fakeJpeg } from './memory.ts';

let dir: string;
let cam: FolderCamera | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-ftp-'));
});
afterEach(async () => {
  await cam?.close();
  cam = null;
  await rm(dir, { recursive: true, force: true });
});

async function open(extra: Partial<FolderCameraOptions> = {}): Promise<FolderCamera> {
  cam = await FolderCamera.open({
    name: 'ftp-cam',
    dir,
    settleMs: 60,
    pollMs: 15,
    timeoutMs: 5000,
    ...extra,
  });
  return cam;
}

/** Sets a file's mtime `agoMs` in the past. */
async function age(name: string, agoMs: number): Promise<void> {
  const t = new Date(Date.now() - agoMs);
  await utimes(join(dir, name), t, t);
}

describe('FolderCamera', () => {
  it('delivers a new upload and skips files present at start', async () => {
    await writeFile(join(dir, 'old.jpg'), fakeJpeg('old'));
    const c = await open();
    await writeFile(join(dir, 'new.jpg'), fakeJpeg('new'));
    expect((await c.snapshot()).toString()).toContain('new');
    await expect(
      (await open({ timeoutMs: 150 })).snapshot(), // second camera instance: both files now "existing"
    ).rejects.toMatchObject({ code: 'CAMERA_TIMEOUT' });
    await c.close();
  });

  it('waits until a partially written file is complete', async () => {
    const c = await open();
    const full = fakeJpeg('x'.repeat(5000));
    await writeFile(join(dir, 'upload.jpg'), full.subarray(0, 1000));
    let got: Buffer | null = null;
    const pending = c.snapshot().then((b) => {
      got = b;
    });
    await new Promise((r) => setTimeout(r, 250)); // > settleMs with the upload stalled
    expect(got).toBeNull();
    await appendFile(join(dir, 'upload.jpg'), full.subarray(1000));
    await pending;
    expect(got).toEqual(full);
    expect(c.stats().rejected).toBeGreaterThanOrEqual(1); // the stalled half-file was seen and refused
  });

  it('hands out frames oldest first (by mtime, not by name)', async () => {
    // Files in place before the camera starts: written while it watches, one could settle
    // alone on a loaded box before the next is aged, and the order would be arrival, not mtime.
    for (const [name, ago] of [
      ['a.jpg', 1000],
      ['b.jpg', 3000],
      ['c.jpg', 2000],
    ] as const) {
      await writeFile(join(dir, name), fakeJpeg(name));
      await age(name, ago);
    }
    const c = await open({ includeExisting: true });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) order.push((await c.snapshot()).subarray(4, 5).toString());
    expect(order).toEqual(['b', 'c', 'a']);
    expect(c.stats().delivered).toBe(3);
  });

  it('ignores other extensions and hidden temp files', async () => {
    const c = await open({ timeoutMs: 300 });
    await writeFile(join(dir, '.upload.jpg.part'), fakeJpeg('tmp'));
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await expect(c.snapshot()).rejects.toMatchObject({ code: 'CAMERA_TIMEOUT' });
  });

  it('keeps only the newest N files', async () => {
    await open({ retain: { maxFiles: 2 } });
    for (let i = 0; i < 4; i++) {
      await writeFile(join(dir, `f${i}.jpg`), fakeJpeg(`f${i}`));
      await age(`f${i}.jpg`, 10_000 - i * 1000);
    }
    const deadline = Date.now() + 2000;
    while ((await readdir(dir)).length > 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect((await readdir(dir)).sort()).toEqual(['f2.jpg', 'f3.jpg']);
    expect(cam?.stats().deleted).toBe(2);
  });

  it('deletes files older than maxAgeMs', async () => {
    await open({ retain: { maxAgeMs: 60_000 } });
    await writeFile(join(dir, 'stale.jpg'), fakeJpeg('stale'));
    await age('stale.jpg', 3_600_000);
    await writeFile(join(dir, 'fresh.jpg'), fakeJpeg('fresh'));
    const deadline = Date.now() + 2000;
    while ((await readdir(dir)).length > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await readdir(dir)).toEqual(['fresh.jpg']);
  });

  it('keeps polling (no crash) when the folder disappears, and reports CAMERA_TIMEOUT', async () => {
    const c = await open({ timeoutMs: 200 });
    await rm(dir, { recursive: true, force: true });
    await expect(c.snapshot()).rejects.toMatchObject({ code: 'CAMERA_TIMEOUT' });
    expect(c.stats().scanErrors).toBeGreaterThan(0);
  });

  it('close() rejects later snapshots with CAMERA_CLOSED', async () => {
    const c = await open();
    await c.close();
    await expect(c.snapshot()).rejects.toMatchObject({ code: 'CAMERA_CLOSED' });
  });
});
