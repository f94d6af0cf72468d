/**
 * Write-ahead log for ingest: a QoS 1 PUBACK is sent only once the message's points are on disk
 * (issue 16, hole 6 — a `kill -9` lost the ~0.5 s of points that sat in memory, already acked).
 *
 * Group commit, as databases do it (PostgreSQL, InfluxDB's own WAL): appends are buffered, one
 * write + fdatasync covers every record that arrived while the previous one ran, and each waiting
 * publish is acknowledged when its group is synced. Throughput is then bounded by fsyncs per
 * second × records per group, not by one fsync per message.
 *
 * Records are JSON lines of points. Segments rotate by size or age and are deleted once every
 * point in them has left memory (written to InfluxDB or moved to the SQLite spool, itself
 * durable). On start, surviving segments are moved into the spool; a torn last line (the write
 * the kill interrupted, never acknowledged) is skipped. Replays are harmless: a point's
 * timestamp derives from its message id, so InfluxDB overwrites instead of duplicating.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { IPoint } from 'influx';

/** `fsync`: on disk before PUBACK (survives power loss); `write`: in the OS (survives kill -9); `off`: memory. */
export type DurableAck = 'fsync' | 'write' | 'off';

const SEGMENT_BYTES = 16 * 1024 * 1024;
const SEGMENT_AGE_MS = 10_000;

interface Segment {
  file: string;
  /** Sink position (cumulative points added) after the last record in it. */
  endPoints: number;
}

interface Pending {
  line: string;
  endPoints: number;
}

export class IngestWal {
  private readonly dir: string;
  private fh: FileHandle | undefined;
  private active: Segment | undefined;
  private activeBytes = 0;
  private activeSince = 0;
  private readonly closed: Segment[] = [];
  private pending: Pending[] = [];
  private appendedSeq = 0;
  private syncedSeq = 0;
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private nextIndex: number;
  private waiters: { seq: number; resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(
    dataDir: string,
    private readonly mode: Exclude<DurableAck, 'off'>,
    private readonly onSync: (records: number, ms: number) => void = () => {},
  ) {
    this.dir = join(dataDir, 'wal');
    mkdirSync(this.dir, { recursive: true });
    const last = this.segmentFiles().at(-1);
    this.nextIndex = last ? Number(last.slice(0, -4)) + 1 : 1;
  }

  /**
   * Points of the segments a previous process left (it stopped before they were settled), in
   * order; a line that does not parse (torn by the kill) is counted in `torn` and skipped.
   * Call `discardRecovered()` once they are safely elsewhere.
   */
  recover(): { points: IPoint[]; records: number; torn: number } {
    const out = { points: [] as IPoint[], records: 0, torn: 0 };
    for (const f of this.segmentFiles()) {
      const text = readFileSync(join(this.dir, f), 'utf8');
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line === '') continue;
        try {
          const pts = JSON.parse(line) as IPoint[];
          if (!Array.isArray(pts)) throw new Error('not a list');
          for (const p of pts) out.points.push(p);
          out.records++;
        } catch {
          out.torn++;
        }
      }
    }
    return out;
  }

  discardRecovered(): void {
    for (const f of this.segmentFiles()) unlinkSync(join(this.dir, f));
    this.syncDir();
  }

  private syncDir(): void {
    const d = openSync(this.dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }

  /** Records appended so far (a sequence number). */
  appended(): number {
    return this.appendedSeq;
  }

  /** Buffers one message's points; `endPoints` is the sink position after them. */
  append(points: IPoint[], endPoints: number): number {
    this.pending.push({ line: `${JSON.stringify(points)}\n`, endPoints });
    this.appendedSeq++;
    this.schedule();
    return this.appendedSeq;
  }

  /** Resolves when record `seq` is durable (per mode); rejects if the disk refused it. */
  durable(seq: number): Promise<void> {
    if (seq <= this.syncedSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Deletes closed segments whose points have all left memory (`settled` = sink position). */
  checkpoint(settled: number): void {
    while (this.closed.length > 0 && this.closed[0]!.endPoints <= settled) {
      const s = this.closed.shift()!;
      try {
        unlinkSync(s.file);
      } catch {
        // already gone: nothing to keep
      }
    }
  }

  get segments(): number {
    return this.closed.length + (this.active ? 1 : 0);
  }

  /** Flushes what is buffered and closes the file; segments stay until `checkpoint` frees them. */
  async close(settled: number): Promise<void> {
    await this.flushing;
    if (this.pending.length > 0) await this.flush();
    await this.rotate();
    this.checkpoint(settled);
  }

  private segmentFiles(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{12}\.log$/.test(f))
      .sort();
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate: every publish of the socket chunk being parsed joins this group.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.pending.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    const upTo = this.appendedSeq;
    const t0 = Date.now();
    try {
      if (!this.fh || this.activeBytes > SEGMENT_BYTES || Date.now() - this.activeSince > SEGMENT_AGE_MS)
        await this.rotate(true);
      const data = group.map((p) => p.line).join('');
      await this.fh!.write(data);
      if (this.mode === 'fsync') await this.fh!.datasync();
      this.activeBytes += Buffer.byteLength(data);
      this.active!.endPoints = group.at(-1)!.endPoints;
    } catch (e) {
      // Not durable, not acknowledged: the client keeps the messages and re-sends them.
      const still: typeof this.waiters = [];
      for (const w of this.waiters) {
        if (w.seq <= upTo) w.reject(e as Error);
        else still.push(w);
      }
      this.waiters = still;
      return;
    }
    this.syncedSeq = upTo;
    this.onSync(group.length, Date.now() - t0);
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.seq <= upTo) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Closes the active segment (it becomes deletable) and, if `reopen`, starts the next one. */
  private async rotate(reopen = false): Promise<void> {
    if (this.fh) {
      await this.fh.close();
      this.closed.push(this.active!);
      this.fh = undefined;
      this.active = undefined;
    }
    if (!reopen) return;
    const file = join(this.dir, `${String(this.nextIndex++).padStart(12, '0')}.log`);
    this.fh = await open(file, 'a');
    if (this.mode === 'fsync') this.syncDir(); // the new file's name must survive a crash too
    this.active = { file, endPoints: 0 };
    this.activeBytes = 0;
    this.activeSince = Date.now();
  }
}
