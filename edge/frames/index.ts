/**
 * Edge frame store: full camera frames stay on the box under retention, a small thumbnail and a
 * `frameRef` go up with the in/out log entry. See docs/edge-frames.md.
 */
import { access, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import { byAge, checkFrameRef, COUNTER_WRAP, type FrameEntry, frameRefFor, safeCamera } from './layout.ts';
import { countToRemove, type RetentionLimits } from './retention.ts';
import { removeIfEmpty, scanStore } from './scan.ts';
import { checkJpeg, makeThumbnail } from './thumbnail.ts';

export { MAX_THUMBNAIL_CHARS } from './thumbnail.ts';

export interface FrameStoreOptions extends RetentionLimits {
  dir: string;
  /** Thumbnail width in pixels (16..1920); default 160. */
  thumbnailWidth?: number;
  /** Store clock in epoch ms; default `Date.now`. Names, day folders and age retention use it. */
  nowEpochMs?: () => number;
  /** `save` runs retention on every Nth save (default 10), so the store may overshoot by N-1 frames. */
  retentionEverySaves?: number;
}

export interface FrameMeta {
  camera: string;
  lane?: string;
  bay?: string;
}

export interface FrameStats {
  files: number;
  bytes: number;
  /** Frames deleted by retention since open. */
  removed: number;
  /** Error values returned and failed deletes since open. */
  errors: number;
}

export interface SavedFrame {
  frameRef: string;
  thumbnail: string;
  /** The full frame's size in pixels: plate boxes are given in it. */
  width: number;
  height: number;
}

export interface FrameStore {
  save(jpeg: Buffer, meta: FrameMeta): Promise<Result<SavedFrame>>;
  enforceRetention(): Promise<{ removed: number }>;
  read(frameRef: string): Promise<Result<Buffer>>;
  stats(): FrameStats;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const ioError = (what: string, e: unknown): CityEdgeError =>
  new CityEdgeError('CAMERA_FRAME_IO_FAILED', `${what}: ${message(e)}`, { cause: e });

function checkOptions(o: FrameStoreOptions): Result<Required<FrameStoreOptions>> {
  const bad = (m: string) => err(new CityEdgeError('CAMERA_FRAME_BAD_OPTIONS', m));
  const posInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
  const full = { thumbnailWidth: 160, nowEpochMs: Date.now, retentionEverySaves: 10, ...o };
  if (typeof full.dir !== 'string' || full.dir.length === 0) return bad('dir is required');
  if (!posInt(full.maxFiles)) return bad('maxFiles must be an integer ≥ 1');
  if (!(full.maxBytes > 0)) return bad('maxBytes must be > 0');
  if (!(full.maxAgeMs > 0)) return bad('maxAgeMs must be > 0');
  if (!posInt(full.retentionEverySaves)) return bad('retentionEverySaves must be an integer ≥ 1');
  if (!posInt(full.thumbnailWidth) || full.thumbnailWidth < 16 || full.thumbnailWidth > 1920)
    return bad('thumbnailWidth must be an integer in 16..1920');
  return ok(full);
}

/** Opens (creating) the store and trims it, so a restarted agent starts within its limits. */
export async function openFrameStore(options: FrameStoreOptions): Promise<Result<FrameStore>> {
  const checked = checkOptions(options);
  if (!checked.ok) return checked;
  const o = checked.value;
  try {
    await mkdir(o.dir, { recursive: true });
    const scan = await scanStore(o.dir);
    const store = new DiskFrameStore(o, scan.entries, scan.errors);
    await store.enforceRetention();
    return ok(store);
  } catch (e) {
    return err(ioError(`cannot open frame store ${o.dir}`, e));
  }
}

class DiskFrameStore implements FrameStore {
  /** Oldest first; kept in memory so retention does not re-list the SD card on every pass. */
  private readonly entries: FrameEntry[];
  private bytes: number;
  private removed = 0;
  private saves = 0;
  private counter = 0;
  /**
   * Disk writes and retention run one at a time: retention must not rmdir a day folder between a
   * save's mkdir and its rename. Decoding (the slow part) stays outside this chain.
   */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: Required<FrameStoreOptions>,
    entries: FrameEntry[],
    private errors: number,
  ) {
    this.entries = entries.sort(byAge);
    this.bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  }

  async save(jpeg: Buffer, meta: FrameMeta): Promise<Result<SavedFrame>> {
    // Sampled before decoding: the name should be as close to capture time as we can know it.
    const now = this.o.nowEpochMs();
    const camera = safeCamera(typeof meta?.camera === 'string' ? meta.camera : '');
    if (!camera.ok) return this.fail(camera);
    const valid = checkJpeg(jpeg, this.o.maxBytes);
    if (!valid.ok) return this.fail(valid);
    const thumbnail = await makeThumbnail(jpeg, this.o.thumbnailWidth);
    if (!thumbnail.ok) return this.fail(thumbnail);
    const written = await this.exclusive(() => this.write(jpeg, now, camera.value));
    if (!written.ok) return this.fail(written);
    return ok({ frameRef: written.value, ...thumbnail.value });
  }

  enforceRetention(): Promise<{ removed: number }> {
    return this.exclusive(() => this.retain());
  }

  async read(frameRef: string): Promise<Result<Buffer>> {
    const ref = checkFrameRef(frameRef);
    if (!ref.ok) return this.fail(ref);
    try {
      return ok(await readFile(join(this.o.dir, ref.value)));
    } catch (e) {
      const gone = (e as NodeJS.ErrnoException).code === 'ENOENT';
      const error = gone
        ? new CityEdgeError('CAMERA_FRAME_NOT_FOUND', `frame ${ref.value} not found (retention?)`)
        : ioError(`cannot read ${ref.value}`, e);
      return this.fail({ ok: false, error });
    }
  }

  stats(): FrameStats {
    return { files: this.entries.length, bytes: this.bytes, removed: this.removed, errors: this.errors };
  }

  private fail<T>(r: { ok: false; error: CityEdgeError }): Result<T> {
    this.errors++;
    return r;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Temp file + fsync + rename: a power cut leaves either the whole frame or a stale `.tmp`. */
  private async write(jpeg: Buffer, now: number, camera: string): Promise<Result<string>> {
    const ref = await this.freeRef(now, camera);
    const path = join(this.o.dir, ref);
    const tmp = join(dirname(path), `.${ref.slice(ref.indexOf('/') + 1)}.tmp`);
    try {
      await mkdir(dirname(path), { recursive: true });
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(jpeg);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      return err(ioError(`cannot write ${ref}`, e));
    }
    this.insert({ ref, epochMs: now, counter: this.counter, bytes: jpeg.length });
    if (++this.saves % this.o.retentionEverySaves === 0) await this.retain();
    return ok(ref);
  }

  /** The counter makes names unique within a run; the existence check covers a restart in the same ms. */
  private async freeRef(now: number, camera: string): Promise<string> {
    for (;;) {
      this.counter = (this.counter + 1) % COUNTER_WRAP;
      const ref = frameRefFor(now, this.counter, camera);
      const taken = await access(join(this.o.dir, ref)).then(
        () => true,
        () => false,
      );
      if (!taken) return ref;
    }
  }

  /** Keeps `entries` sorted; saves almost always arrive in time order, so this is an append. */
  private insert(e: FrameEntry): void {
    let i = this.entries.length;
    while (i > 0 && byAge(this.entries[i - 1]!, e) > 0) i--;
    this.entries.splice(i, 0, e);
    this.bytes += e.bytes;
  }

  /** Deletes oldest frames beyond the limits, then their day folders if empty. Never throws. */
  private async retain(): Promise<{ removed: number }> {
    let removed = 0;
    try {
      const n = countToRemove(this.entries, this.bytes, this.o, this.o.nowEpochMs());
      const victims = this.entries.splice(0, n);
      const kept: FrameEntry[] = [];
      const days = new Set<string>();
      for (const v of victims) {
        days.add(v.ref.slice(0, v.ref.indexOf('/')));
        if (await this.unlinkFrame(v.ref)) {
          this.bytes -= v.bytes;
          removed++;
        } else kept.push(v);
      }
      // A frame that could not be deleted is still on disk: keep it indexed (and counted) so the
      // next pass retries it instead of the store silently exceeding its budget.
      this.entries.unshift(...kept);
      for (const day of days) if (!(await removeIfEmpty(join(this.o.dir, day)))) this.errors++;
    } catch {
      this.errors++;
    }
    this.removed += removed;
    return { removed };
  }

  private async unlinkFrame(ref: string): Promise<boolean> {
    try {
      await unlink(join(this.o.dir, ref));
      return true;
    } catch (e) {
      // Already gone (cleaned by hand) is the outcome we wanted; anything else is counted.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      this.errors++;
      return false;
    }
  }
}
