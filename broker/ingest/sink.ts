/**
 * Batched, retried writes to InfluxDB. Points are cut into batches of `batchPoints` or every
 * `flushMs`; up to `maxInflight` batches are written at once. When a write fails, InfluxDB is
 * marked down, the batch and everything after it go to the on-disk spool, and a retry with
 * exponential backoff (0.5 s → 10 s) probes with the oldest spooled batch; once it succeeds the
 * spool drains oldest-first while new batches keep flowing.
 */
import type { IPoint } from 'influx';
import type { Logger } from 'pino';
import { Backoff } from '../../core/retry.ts';
import type { Counters } from '../metrics.ts';
import type { Spool } from './spool.ts';

export interface SinkOptions {
  batchPoints: number;
  flushMs: number;
  maxInflight?: number;
  /** Batches held in memory while writes are slow (default 40 ≈ 200k points); beyond, they spill to the spool. */
  maxQueued?: number;
}

export class InfluxSink {
  private buffer: IPoint[] = [];
  private queue: IPoint[][] = [];
  private inflight = 0;
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

  add(points: IPoint[]): void {
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
    for (const b of this.queue.splice(0)) this.spool.push(b);
  }

  private cut(): void {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.opts.batchPoints);
      if (!this.up || this.queue.length >= (this.opts.maxQueued ?? 40)) this.toSpool(batch);
      else this.queue.push(batch);
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
      await this.write(batch);
      this.counters.inc('ingest.points.written', batch.length);
      this.counters.inc('ingest.batches.written');
    } catch (e) {
      this.toSpool(batch);
      this.markDown(e);
    } finally {
      this.inflight--;
      this.pump();
    }
  }

  private markDown(e: unknown): void {
    this.counters.inc('ingest.write.failures');
    if (!this.up) return;
    this.up = false;
    this.log.warn(
      { err: (e as Error).message },
      'ingest: InfluxDB write failed; spooling to disk and retrying',
    );
    for (const b of this.queue.splice(0)) this.toSpool(b);
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
          await this.write(next.points);
          this.spool.remove(next.id);
          this.counters.inc('ingest.points.written', next.points.length);
          this.counters.inc('ingest.points.replayed', next.points.length);
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
