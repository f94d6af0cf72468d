/**
 * Batched, retried writes to InfluxDB. Points are cut into batches of `batchPoints` or every
 * `flushMs`; up to `maxInflight` batches are written at once. When a write fails, InfluxDB is
 * marked down, the batch and everything after it go to the on-disk spool, and a retry with
 * exponential backoff (0.5 s → 10 s) probes with the oldest spooled batch; once it succeeds the
 * spool drains oldest-first while new batches keep flowing.
 *
 * A 4xx is not an outage: InfluxDB refused some points of the batch (beyond retention, out of
 * range, field type conflict, too large). Retrying such a batch forever stalled every device, so
 * the batch is bisected until each refused point stands alone; those points are dead-lettered
 * with InfluxDB's reason and everything else is written. The same holds for spooled batches.
 */
import type { IPoint } from 'influx';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../core/errors.ts';
import { Backoff } from '../../core/retry.ts';
import type { Counters } from '../metrics.ts';
import type { Spool } from './spool.ts';

/** A point InfluxDB refused on its own (with its answer), or a spooled entry that is not a point. */
export type RejectPoint = (point: unknown, code: ErrorCode, reason: string) => void;

export interface SinkOptions {
  batchPoints: number;
  flushMs: number;
  maxInflight?: number;
  /** Batches held in memory while writes are slow (default 40 ≈ 200k points); beyond, they spill to the spool. */
  maxQueued?: number;
}

/**
 * 400 = the body (some point) is bad; 413 = the body is too large. Anything else (5xx, 404
 * database not found before the schema exists, 401/403, network) is InfluxDB's problem: retry.
 */
export function refusesPoints(e: unknown): boolean {
  const status = (e as { res?: { statusCode?: number } } | undefined)?.res?.statusCode;
  return status === 400 || status === 413;
}

/** What is left of a batch when InfluxDB failed mid-way (the points before it are written). */
class Unwritten extends Error {
  constructor(
    override readonly cause: unknown,
    readonly points: IPoint[],
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

export class InfluxSink {
  private buffer: IPoint[] = [];
  private queue: IPoint[][] = [];
  private inflight = 0;
  /** Points ever added (a position), and the first position of each batch still in memory. */
  private added = 0;
  private readonly outstanding = new Map<IPoint[], number>();
  private up = true;
  private draining: Promise<void> | undefined;
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly flushTimer: NodeJS.Timeout;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (points: IPoint[]) => Promise<void>,
    private readonly spool: Spool,
    private readonly opts: SinkOptions,
    private readonly counters: Counters,
    private readonly log: Logger,
    private readonly reject: RejectPoint = () => {},
  ) {
    this.flushTimer = setInterval(() => this.cut(), opts.flushMs);
    this.flushTimer.unref();
    if (spool.points > 0) this.drain();
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Points accepted but not yet confirmed by InfluxDB (memory + spool). */
  get pending(): number {
    return this.buffer.length + this.queue.reduce((n, b) => n + b.length, 0) + this.spool.points;
  }

  /** Sink position after `n` more points: what the WAL records as a segment's end. */
  positionAfter(n: number): number {
    return this.added + n;
  }

  /** Every point before this position is written to InfluxDB or in the spool (out of memory). */
  settled(): number {
    let min = this.added - this.buffer.length;
    for (const lo of this.outstanding.values()) min = Math.min(min, lo);
    return min;
  }

  add(points: IPoint[]): void {
    this.added += points.length;
    for (const p of points) this.buffer.push(p);
    this.counters.inc('ingest.points.accepted', points.length);
    if (this.buffer.length >= this.opts.batchPoints) this.cut();
  }

  /** Writes everything buffered; resolves when memory is empty (written or spooled). */
  async flush(): Promise<void> {
    this.cut();
    if (this.inflight === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearTimeout(this.retryTimer);
    await this.flush();
    this.closed = true;
    await this.draining; // the batch being replayed finishes (and leaves the spool) first
    // What could not be written stays on disk for the next start.
    for (const b of this.queue.splice(0)) {
      this.spool.push(b);
      this.outstanding.delete(b);
    }
  }

  private cut(): void {
    while (this.buffer.length > 0) {
      const lo = this.added - this.buffer.length;
      const batch = this.buffer.splice(0, this.opts.batchPoints);
      if (!this.up || this.queue.length >= (this.opts.maxQueued ?? 40)) this.toSpool(batch);
      else {
        this.queue.push(batch);
        this.outstanding.set(batch, lo);
      }
    }
    this.pump();
  }

  private toSpool(batch: IPoint[]): void {
    this.spool.push(batch);
    this.counters.inc('ingest.points.spooled', batch.length);
  }

  private pump(): void {
    while (this.up && this.inflight < (this.opts.maxInflight ?? 2) && this.queue.length > 0) {
      void this.send(this.queue.shift()!);
    }
    if (this.up && this.spool.points > 0) this.drain();
    if (this.inflight === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async send(batch: IPoint[]): Promise<void> {
    this.inflight++;
    try {
      await this.writeSplitting(batch);
      this.counters.inc('ingest.batches.written');
    } catch (e) {
      const u = e as Unwritten;
      this.toSpool(u.points);
      this.markDown(u.cause);
    } finally {
      this.outstanding.delete(batch);
      this.inflight--;
      this.pump();
    }
  }

  /**
   * Writes `batch`, bisecting on a 4xx so only the refused points are dead-lettered; resolves
   * with the number of points written. Throws `Unwritten` with the rest on any other failure.
   */
  private async writeSplitting(batch: IPoint[]): Promise<number> {
    const todo = [batch];
    let written = 0;
    while (todo.length > 0) {
      const b = todo.pop()!;
      if (b.length === 0) continue;
      try {
        await this.write(b);
      } catch (e) {
        if (!refusesPoints(e)) throw new Unwritten(e, [b, ...todo.reverse()].flat());
        if (b.length === 1) {
          this.counters.inc('ingest.points.rejected');
          this.reject(b[0]!, 'INGEST_POINT_REFUSED', (e as Error).message.slice(0, 2000));
        } else {
          this.counters.inc('ingest.batches.split');
          const mid = b.length >> 1;
          todo.push(b.slice(mid), b.slice(0, mid));
        }
        continue;
      }
      written += b.length;
      this.counters.inc('ingest.points.written', b.length);
    }
    return written;
  }

  private markDown(e: unknown): void {
    this.counters.inc('ingest.write.failures');
    if (!this.up) return;
    this.up = false;
    this.log.warn(
      { err: (e as Error).message },
      'ingest: InfluxDB write failed; spooling to disk and retrying',
    );
    for (const b of this.queue.splice(0)) {
      this.toSpool(b);
      this.outstanding.delete(b);
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => this.drain(), this.backoff.next());
  }

  /** One drain loop at a time: oldest spooled batch first, deleted only after InfluxDB took it. */
  private drain(): void {
    if (this.draining || this.closed) return;
    const run = async () => {
      try {
        for (let next = this.spool.oldest(); next && !this.closed; next = this.spool.oldest()) {
          for (const bad of next.corrupt) {
            this.counters.inc('ingest.points.corrupt');
            this.reject(bad.point, 'INGEST_SPOOL_CORRUPT', bad.reason);
          }
          try {
            this.counters.inc('ingest.points.replayed', await this.writeSplitting(next.points));
          } catch (e) {
            const u = e as Unwritten;
            // Keep only what is left, so refused points are not dead-lettered twice.
            if (u.points.length < next.points.length || next.corrupt.length > 0)
              this.spool.replace(next.id, u.points);
            throw u.cause;
          }
          this.spool.remove(next.id);
          if (!this.up) {
            this.up = true;
            this.backoff.reset();
            this.log.info('ingest: InfluxDB is back; draining the spool');
          }
        }
      } catch (e) {
        if (this.up) this.markDown(e);
        else {
          this.counters.inc('ingest.write.failures');
          this.scheduleRetry();
        }
      }
    };
    // `.finally` runs on a later turn, so the flag is never cleared before it is set.
    this.draining = run().finally(() => {
      this.draining = undefined;
    });
  }
}
