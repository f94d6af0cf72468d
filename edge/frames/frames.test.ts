import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FrameStore, type FrameStoreOptions, MAX_THUMBNAIL_CHARS, openFrameStore } from './index.ts';
import type { FrameEntry } from './layout.ts';
import { countToRemove } from './retention.ts';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0); // 2026-11-23T12:00:00Z
const HOUR = 3_600_000;
const dirs: string[] = [];
let small: Buffer;
let noisy: Buffer;

beforeAll(async () => {
  small = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a6' } })
    .jpeg({ quality: 80 })
    .toBuffer();
  // Noise is the worst case for JPEG size: a real 1920×1080 frame compresses better than this.
  const raw = randomBytes(1920 * 1080 * 3);
  noisy = await sharp(raw, { raw: { width: 1920, height: 1080, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
});

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cityedge-frames-'));
  dirs.push(dir);
  return join(dir, 'frames'); // not yet created: open must create it
}

/** A manual clock: tests move time, never sleep. */
function clock(start = T0) {
  let now = start;
  const advance = (ms: number): void => {
    now += ms;
  };
  return { now: () => now, advance };
}

type Opts = Partial<FrameStoreOptions> & { dir: string };
async function openOk(o: Opts): Promise<FrameStore> {
  const r = await openFrameStore({
    maxFiles: 100,
    maxBytes: 100e6,
    maxAgeMs: 24 * HOUR,
    nowEpochMs: () => T0,
    ...o,
  });
  if (!r.ok) throw r.error;
  return r.value;
}

async function saveOk(store: FrameStore, jpeg = small, camera = 'entry-1') {
  const r = await store.save(jpeg, { camera, lane: 'in' });
  if (!r.ok) throw r.error;
  return r.value;
}

/** Every file under dir, relative, so tests see exactly what is on disk. */
function filesOnDisk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe('frame store: save and read', () => {
  it('round-trips the exact bytes under a UTC day folder, atomically named', async () => {
    const dir = tempDir();
    const store = await openOk({ dir });
    const { frameRef, thumbnail } = await saveOk(store);
    expect(frameRef).toMatch(/^2026-11-23\/1795435200000-\d{6}-entry-1\.jpg$/);
    expect(filesOnDisk(dir)).toEqual([frameRef]); // no temp file left behind
    const back = await store.read(frameRef);
    expect(back.ok && back.value.equals(small)).toBe(true);
    const meta = await sharp(Buffer.from(thumbnail, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 120]);
    expect(store.stats()).toEqual({ files: 1, bytes: small.length, removed: 0, errors: 0 });
  });

  it('gives unique names that sort in save order within one millisecond', async () => {
    const store = await openOk({ dir: tempDir() });
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) refs.push((await saveOk(store)).frameRef);
    expect(new Set(refs).size).toBe(5);
    expect([...refs].sort()).toEqual(refs);
  });

  it('makes camera names filename-safe and refuses an empty one', async () => {
    const store = await openOk({ dir: tempDir() });
    expect((await saveOk(store, small, '../gate 1/ä')).frameRef).toMatch(/-___gate_1__\.jpg$/);
    const r = await store.save(small, { camera: '' });
    expect(r.ok ? 'saved' : r.error.code).toBe('CAMERA_FRAME_BAD_META');
  });

  it('keeps the thumbnail of a noisy 1920×1080 frame a valid JPEG under the contract limit', async () => {
    for (const thumbnailWidth of [160, 1920]) {
      const store = await openOk({ dir: tempDir(), thumbnailWidth });
      const { thumbnail } = await saveOk(store, noisy);
      expect(thumbnail.length).toBeLessThanOrEqual(MAX_THUMBNAIL_CHARS);
      const meta = await sharp(Buffer.from(thumbnail, 'base64')).metadata();
      expect(meta.format).toBe('jpeg');
      // 1920 wide cannot fit 64,000 chars of noise: the store must have shrunk it.
      if (thumbnailWidth === 1920) expect(meta.width).toBeLessThan(1920);
      else expect(meta.width).toBe(160);
    }
  });

  it('refuses non-images and corrupt JPEGs without writing anything', async () => {
    const dir = tempDir();
    const store = await openOk({ dir });
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'CAMERA_FRAME_EMPTY'],
      [Buffer.from('<html>503</html>'), 'CAMERA_FRAME_NOT_JPEG'],
      [small.subarray(0, Math.floor(small.length / 2)), 'CAMERA_FRAME_CORRUPT'], // cut off mid-transfer
      [Buffer.concat([small.subarray(0, 3), randomBytes(2000)]), 'CAMERA_FRAME_CORRUPT'],
    ];
    for (const [jpeg, code] of cases) {
      const r = await store.save(jpeg, { camera: 'entry-1' });
      expect(r.ok ? 'saved' : r.error.code).toBe(code);
    }
    expect(filesOnDisk(dir)).toEqual([]);
    expect(store.stats()).toMatchObject({ files: 0, errors: cases.length });
  });

  it('refuses a frame larger than the whole byte budget', async () => {
    const store = await openOk({ dir: tempDir(), maxBytes: small.length - 1 });
    const r = await store.save(small, { camera: 'entry-1' });
    expect(r.ok ? 'saved' : r.error.code).toBe('CAMERA_FRAME_TOO_LARGE');
  });
});

describe('frame store: read protection', () => {
  it('refuses traversal and absolute refs, and reports a missing frame', async () => {
    const root = tempDir();
    const dir = join(root, 'store');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'secret.jpg'), 'secret');
    const store = await openOk({ dir });
    const { frameRef } = await saveOk(store);
    const day = frameRef.slice(0, 10);
    for (const ref of [
      '../secret.jpg',
      `${day}/../../secret.jpg`,
      join(root, 'secret.jpg'),
      '/etc/passwd',
      `${day}\\..\\..\\secret.jpg`,
      'C:/secret.jpg',
      `${day}/x.jpg\0`,
      '',
    ]) {
      const r = await store.read(ref);
      expect(r.ok ? `read ${ref}` : r.error.code).toBe('CAMERA_FRAME_BAD_REF');
    }
    const gone = await store.read(`${day}/0000000000001-000001-entry-1.jpg`);
    expect(gone.ok ? 'read' : gone.error.code).toBe('CAMERA_FRAME_NOT_FOUND');
  });
});

describe('frame store: retention', () => {
  it('keeps only the newest maxFiles frames', async () => {
    const dir = tempDir();
    const t = clock();
    const store = await openOk({ dir, maxFiles: 3, retentionEverySaves: 1, nowEpochMs: t.now });
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      refs.push((await saveOk(store)).frameRef);
      t.advance(1000);
    }
    expect(filesOnDisk(dir)).toEqual(refs.slice(2));
    expect(store.stats()).toEqual({ files: 3, bytes: 3 * small.length, removed: 2, errors: 0 });
    const r = await store.read(refs[0]!);
    expect(r.ok ? 'read' : r.error.code).toBe('CAMERA_FRAME_NOT_FOUND');
  });

  it('keeps total bytes within maxBytes', async () => {
    const dir = tempDir();
    const t = clock();
    const maxBytes = Math.floor(2.5 * small.length);
    const store = await openOk({ dir, maxBytes, retentionEverySaves: 1, nowEpochMs: t.now });
    const refs: string[] = [];
    for (let i = 0; i < 4; i++) {
      refs.push((await saveOk(store)).frameRef);
      t.advance(1000);
    }
    expect(filesOnDisk(dir)).toEqual(refs.slice(2));
    expect(store.stats().bytes).toBeLessThanOrEqual(maxBytes);
  });

  it('ages frames out by the injected clock and removes the emptied day folder', async () => {
    const dir = tempDir();
    const t = clock(Date.UTC(2026, 10, 23, 23, 0, 0));
    const store = await openOk({ dir, maxAgeMs: 2 * HOUR, nowEpochMs: t.now });
    const old = (await saveOk(store)).frameRef; // 23:00 on the 23rd
    t.advance(2 * HOUR); // 01:00 on the 24th
    const fresh = (await saveOk(store)).frameRef;
    expect(await store.enforceRetention()).toEqual({ removed: 0 }); // exactly maxAgeMs old is kept
    t.advance(1);
    expect(await store.enforceRetention()).toEqual({ removed: 1 });
    expect(old.startsWith('2026-11-23/') && fresh.startsWith('2026-11-24/')).toBe(true);
    expect(readdirSync(dir)).toEqual(['2026-11-24']);
    expect(filesOnDisk(dir)).toEqual([fresh]);
  });

  it('runs from save only every Nth save', async () => {
    const t = clock();
    const store = await openOk({ dir: tempDir(), maxFiles: 1, retentionEverySaves: 3, nowEpochMs: t.now });
    const files: number[] = [];
    for (let i = 0; i < 4; i++) {
      await saveOk(store);
      t.advance(1000);
      files.push(store.stats().files);
    }
    expect(files).toEqual([1, 2, 1, 2]);
  });

  it('trims on re-open after a restart with tighter limits, cleaning crash leftovers only', async () => {
    const dir = tempDir();
    const t = clock();
    const first = await openOk({ dir, nowEpochMs: t.now });
    const refs: string[] = [];
    for (let i = 0; i < 6; i++) {
      refs.push((await saveOk(first)).frameRef);
      t.advance(1000);
    }
    const day = join(dir, refs[0]!.slice(0, 10));
    writeFileSync(join(day, '.1795435200000-000099-entry-1.jpg.tmp'), 'half a frame'); // power cut mid-write
    writeFileSync(join(day, 'README.txt'), 'not ours');
    const second = await openOk({ dir, maxFiles: 3, nowEpochMs: t.now });
    expect(second.stats()).toEqual({ files: 3, bytes: 3 * small.length, removed: 3, errors: 0 });
    expect(filesOnDisk(dir)).toEqual([...refs.slice(3), `${refs[0]!.slice(0, 10)}/README.txt`].sort());
  });

  it('never overwrites a frame of the previous run saved in the same millisecond', async () => {
    const dir = tempDir();
    const before = await saveOk(await openOk({ dir }), noisy); // counter restarts at 1 after a restart…
    const after = await saveOk(await openOk({ dir }), small); // …and the clock has not moved
    expect(after.frameRef).not.toBe(before.frameRef);
    const kept = await (await openOk({ dir })).read(before.frameRef);
    expect(kept.ok && kept.value.equals(noisy)).toBe(true);
  });

  // Consistency under concurrency; it does not reliably hit the mkdir→open window the lock closes.
  it('keeps disk and stats in step with concurrent saves and retention', async () => {
    const dir = tempDir();
    const t = clock();
    const store = await openOk({ dir, maxFiles: 2, maxAgeMs: 1, retentionEverySaves: 1, nowEpochMs: t.now });
    const saves = Array.from({ length: 8 }, () => store.save(small, { camera: 'exit-1' }));
    t.advance(10); // everything already saved is now too old; folders get emptied while saves run
    const results = await Promise.all([...saves, store.enforceRetention()]);
    expect(results.filter((r) => 'ok' in r && !r.ok)).toEqual([]);
    expect(filesOnDisk(dir).length).toBe(store.stats().files);
    expect(store.stats()).toMatchObject({ errors: 0, removed: 8 - store.stats().files });
  });

  it('rejects nonsense limits as an error value', async () => {
    for (const bad of [{ maxFiles: 0 }, { maxBytes: -1 }, { maxAgeMs: Number.NaN }, { thumbnailWidth: 8 }]) {
      const r = await openFrameStore({ dir: tempDir(), maxFiles: 10, maxBytes: 1e6, maxAgeMs: HOUR, ...bad });
      expect(r.ok ? 'opened' : r.error.code).toBe('CAMERA_FRAME_BAD_OPTIONS');
    }
  });
});

describe('countToRemove', () => {
  const e = (epochMs: number, bytes = 10): FrameEntry => ({
    ref: `x/${epochMs}`,
    epochMs,
    counter: 0,
    bytes,
  });
  const limits = { maxFiles: 3, maxBytes: 100, maxAgeMs: 50 };
  it('applies whichever limit is tightest, oldest first', () => {
    const four = [e(0), e(10), e(20), e(30)];
    expect(countToRemove(four, 40, limits, 30)).toBe(1); // count
    expect(countToRemove(four.slice(0, 3), 30, limits, 65)).toBe(2); // age: 0 and 10 are > 50 old
    expect(countToRemove([e(0, 60), e(1, 60)], 120, limits, 1)).toBe(1); // bytes
    expect(countToRemove([], 0, limits, 1e9)).toBe(0);
  });
});
