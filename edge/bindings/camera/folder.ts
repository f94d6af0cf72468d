/**
 * Watched upload folder, for cameras that push JPEGs over FTP/SMB on motion or trigger. snapshot()
 * returns the oldest complete frame not yet returned. A file counts as complete once its size and
 * mtime have not changed for `settleMs` AND it ends with the JPEG EOI marker, so a slow or stalled
 * upload is never handed out half-written. Polling (not fs.watch) because FTP servers often write
 * through rename/append patterns and network filesystems do not deliver inotify events.
 */
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { BindingError, toBindingError } from '../../../core/ports/binding-error.ts';
import { type Camera, isJpeg } from '../../../core/ports/camera.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

export interface FolderCameraOptions {
  name: string;
  dir: string;
  /** Unchanged size+mtime for this long = upload finished. Default 500 ms. */
  settleMs?: number;
  /** Default 200 ms. */
  pollMs?: number;
  /** How long snapshot() waits for a new frame. Default 5 s. */
  timeoutMs?: number;
  /** Lower-case extensions accepted. Default .jpg, .jpeg. */
  extensions?: string[];
  /** Also deliver files already present at start. Default false (only new uploads). */
  includeExisting?: boolean;
  /** Delete files beyond the newest `maxFiles` or older than `maxAgeMs` (by mtime). */
  retain?: { maxFiles?: number; maxAgeMs?: number };
  clock?: Clock;
}

export interface FolderCameraStats {
  delivered: number;
  /** Settled files that are not a complete JPEG (e.g. aborted upload) — skipped. */
  rejected: number;
  deleted: number;
  scanErrors: number;
}

/** Checks SOI at the start and EOI at the end without reading the whole (possibly large) file. */
async function hasJpegMarkers(path: string, size: number): Promise<boolean> {
  if (size < 5) return false;
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(3);
    const tail = Buffer.alloc(2);
    await fh.read(head, 0, 3, 0);
    await fh.read(tail, 0, 2, size - 2);
    return isJpeg(Buffer.concat([head, tail]));
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

interface Tracked {
  size: number;
  mtimeMs: number;
  stableSinceMs: number;
  done: boolean;
}

interface Ready {
  name: string;
  mtimeMs: number;
}

export class FolderCamera implements Camera {
  readonly name: string;
  private readonly clock: Clock;
  private readonly tracked = new Map<string, Tracked>();
  private ready: Ready[] = [];
  private readonly waiters = new Set<() => void>();
  private timer: unknown = null;
  private scanning: Promise<void> | null = null;
  private closed = false;
  private readonly st: FolderCameraStats = { delivered: 0, rejected: 0, deleted: 0, scanErrors: 0 };

  private constructor(private readonly opts: FolderCameraOptions) {
    this.name = opts.name;
    this.clock = opts.clock ?? systemClock;
  }

  /** Starts watching; files already present are skipped unless `includeExisting`. */
  static async open(opts: FolderCameraOptions): Promise<FolderCamera> {
    const cam = new FolderCamera(opts);
    if (!opts.includeExisting) await cam.markExisting();
    await cam.scan();
    cam.schedule();
    return cam;
  }

  stats(): FolderCameraStats {
    return { ...this.st };
  }

  /** Frames complete and waiting, oldest first. */
  pending(): number {
    return this.ready.length;
  }

  async snapshot(): Promise<Buffer> {
    const deadline = this.clock.now() + (this.opts.timeoutMs ?? 5000);
    for (;;) {
      if (this.closed) throw new BindingError('CAMERA_CLOSED', `${this.name} is closed`);
      const next = this.ready.shift();
      if (next) {
        const frame = await this.readFrame(next.name);
        if (frame) return frame;
        continue;
      }
      const left = deadline - this.clock.now();
      if (left <= 0)
        throw new BindingError('CAMERA_TIMEOUT', `${this.name}: no new frame in ${this.opts.dir}`);
      await this.waitForFrame(left);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.wakeAll();
    await this.scanning;
  }

  private async readFrame(name: string): Promise<Buffer | null> {
    try {
      const buf = await readFile(join(this.opts.dir, name));
      this.st.delivered++;
      return buf;
    } catch (e) {
      // Deleted between scan and read (retention, operator): try the next one.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw toBindingError(e, 'CAMERA_IO_FAILED', `${this.name}: read ${name}`);
    }
  }

  private waitForFrame(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.clock.clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = this.clock.setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.scanning = this.scan().finally(() => {
        this.scanning = null;
        this.schedule();
      });
    }, this.opts.pollMs ?? 200);
  }

  private accepts(name: string): boolean {
    const exts = this.opts.extensions ?? ['.jpg', '.jpeg'];
    return !name.startsWith('.') && exts.includes(extname(name).toLowerCase());
  }

  private async listFiles(): Promise<{ name: string; size: number; mtimeMs: number }[]> {
    const names = (await readdir(this.opts.dir)).filter((n) => this.accepts(n));
    const stats = await Promise.all(
      names.map(async (name) => {
        const s = await stat(join(this.opts.dir, name)).catch(() => null);
        return s?.isFile() ? { name, size: s.size, mtimeMs: s.mtimeMs } : null;
      }),
    );
    return stats.filter((s) => s !== null);
  }

  private async markExisting(): Promise<void> {
    const files = await this.listFiles().catch(() => []);
    for (const f of files) this.tracked.set(f.name, { ...f, stableSinceMs: 0, done: true });
  }

  private async scan(): Promise<void> {
    let files: { name: string; size: number; mtimeMs: number }[];
    try {
      files = await this.listFiles();
    } catch {
      this.st.scanErrors++; // folder missing (share unmounted): keep polling
      return;
    }
    const now = this.clock.now();
    const present = new Set(files.map((f) => f.name));
    for (const name of this.tracked.keys()) if (!present.has(name)) this.tracked.delete(name);
    for (const f of files) await this.track(f, now);
    this.ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
    await this.applyRetention(files);
    if (this.ready.length > 0) this.wakeAll();
  }

  private async track(f: { name: string; size: number; mtimeMs: number }, now: number): Promise<void> {
    const t = this.tracked.get(f.name);
    if (!t || t.size !== f.size || t.mtimeMs !== f.mtimeMs) {
      // New or still growing: (re)start the settle period. A rewritten file is delivered again.
      this.tracked.set(f.name, { size: f.size, mtimeMs: f.mtimeMs, stableSinceMs: now, done: false });
      return;
    }
    if (t.done || f.size === 0 || now - t.stableSinceMs < (this.opts.settleMs ?? 500)) return;
    t.done = true;
    const complete = await hasJpegMarkers(join(this.opts.dir, f.name), f.size);
    if (complete) this.ready.push({ name: f.name, mtimeMs: f.mtimeMs });
    else this.st.rejected++;
  }

  private async applyRetention(files: { name: string; mtimeMs: number }[]): Promise<void> {
    const { maxFiles, maxAgeMs } = this.opts.retain ?? {};
    if (maxFiles === undefined && maxAgeMs === undefined) return;
    const newestFirst = [...files].sort((a, b) => b.mtimeMs - a.mtimeMs);
    const wallNow = Date.now(); // mtimes are wall-clock
    const doomed = newestFirst.filter(
      (f, i) =>
        (maxFiles !== undefined && i >= maxFiles) ||
        (maxAgeMs !== undefined && wallNow - f.mtimeMs > maxAgeMs),
    );
    for (const f of doomed) {
      const removed = await unlink(join(this.opts.dir, f.name)).then(
        () => true,
        () => false,
      );
      if (removed) this.st.deleted++;
      this.tracked.delete(f.name);
      this.ready = this.ready.filter((r) => r.name !== f.name);
    }
  }
}
