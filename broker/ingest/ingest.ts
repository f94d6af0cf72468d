/** Ingest: validated device messages → points → batched writes to InfluxDB 1.x. */
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import type { Logger } from 'pino';
import type { DecodedMessage } from '../../core/contract/index.ts';
import { Backoff } from '../../core/retry.ts';
import type { CityEdgeError, ErrorCode } from '../../core/errors.ts';
import type { BrokerConfig } from '../config.ts';
import type { Counters } from '../metrics.ts';
import { checkTimes, durationMs, toPoints } from './points.ts';
import { ensureSchema } from './schema.ts';
import { InfluxSink } from './sink.ts';
import { Spool } from './spool.ts';
import { IngestWal } from './wal.ts';

export type InfluxConfig = NonNullable<BrokerConfig['influx']>;

/** A point refused after it was accepted (by InfluxDB, or unreadable in the spool). */
export interface PointDeadLetter {
  code: ErrorCode;
  reason: string;
  site: string;
  device: string;
  point: unknown;
  at: number;
}

/** A spooled point is untrusted: only a well-formed name goes into a dead-letter topic. */
const topicLevel = (s: unknown) =>
  typeof s === 'string' && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(s) ? s : '_unknown';

/** Margin so a point accepted near the retention edge is not expired by the time it is written. */
const RETENTION_MARGIN_MS = 3_600_000;

export class Ingest {
  readonly influx: InfluxDB;
  readonly database: string;
  private readonly sink: InfluxSink;
  private readonly spool: Spool;
  private schemaReady = false;
  private schemaTimer: NodeJS.Timeout | undefined;
  /** A fixed 5 s between schema attempts: InfluxDB starting up, or down for a while. */
  private readonly schemaBackoff = new Backoff({ initialMs: 5000, maxMs: 5000, factor: 1 });
  private readonly retentionMs: number;
  /** Present unless `durableAck: 'off'`: the broker acknowledges QoS 1 only once it is durable. */
  readonly wal: IngestWal | undefined;
  private readonly checkpointTimer: NodeJS.Timeout | undefined;
  /** Set by the broker: publishes point dead letters on the MQTT dead-letter topic. */
  onDeadLetter: (letter: PointDeadLetter) => void = () => {};

  constructor(
    private readonly config: InfluxConfig,
    dataDir: string,
    private readonly counters: Counters,
    private readonly log: Logger,
  ) {
    const url = new URL(config.url);
    this.database = config.database;
    this.influx = new InfluxDB({
      host: url.hostname,
      port: Number(url.port || 8086),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      database: config.database,
      // Our own retry/spool handles outages; the pool must fail fast instead of queueing.
      pool: { maxRetries: 0, requestTimeout: 15_000 },
    });
    this.retentionMs = durationMs(config.rawRetention);
    this.spool = new Spool(
      join(dataDir, 'spool.db'),
      config.spoolMaxPoints,
      (n) => counters.inc('ingest.points.dropped.spoolFull', n),
      (movedTo, reason) => {
        counters.inc('ingest.spool.corruptFiles');
        log.error({ movedTo, reason }, 'ingest: spool file unreadable; moved aside, starting empty');
      },
    );
    this.wal = config.durableAck === 'off' ? undefined : this.openWal(dataDir, config.durableAck);
    this.sink = new InfluxSink(
      (points) => this.influx.writePoints(points, { precision: 'n' }),
      this.spool,
      { batchPoints: config.batchPoints, flushMs: config.flushMs },
      counters,
      log,
      (point, code, reason) => this.deadLetterPoint(point, code, reason),
    );
    if (this.wal) {
      const wal = this.wal;
      this.checkpointTimer = setInterval(() => wal.checkpoint(this.sink.settled()), 1000);
      this.checkpointTimer.unref();
    }
  }

  /** Opens the WAL, moving what a killed process left into the spool first (drained at start). */
  private openWal(dataDir: string, mode: 'fsync' | 'write'): IngestWal {
    const wal = new IngestWal(dataDir, mode, (records) => {
      this.counters.inc('ingest.wal.syncs');
      this.counters.inc('ingest.wal.records', records);
    });
    const left = wal.recover();
    for (let i = 0; i < left.points.length; i += this.config.batchPoints)
      this.spool.push(left.points.slice(i, i + this.config.batchPoints));
    wal.discardRecovered();
    if (left.records > 0 || left.torn > 0) {
      this.counters.inc('ingest.wal.recoveredPoints', left.points.length);
      this.counters.inc('ingest.wal.torn', left.torn);
      this.log.warn(
        { records: left.records, points: left.points.length, torn: left.torn },
        'ingest: recovered un-settled points from the WAL into the spool',
      );
    }
    return wal;
  }

  private deadLetterPoint(point: unknown, code: ErrorCode, reason: string): void {
    const tags = ((point as { tags?: Record<string, string> } | null)?.tags ?? {}) as Record<string, string>;
    const letter: PointDeadLetter = {
      code,
      reason,
      site: topicLevel(tags.site),
      device: topicLevel(tags.device ?? tags.lot),
      point,
      at: Date.now(),
    };
    this.counters.inc(`ingest.deadLettered.${code}`);
    this.log.warn(
      { code, reason: reason.slice(0, 200), site: letter.site, device: letter.device },
      'ingest: point dead-lettered',
    );
    try {
      this.spool.deadLetter(code, reason, point);
    } catch (e) {
      this.counters.inc('ingest.deadLetter.failed');
      this.log.error({ err: (e as Error).message }, 'ingest: could not store a dead letter');
    }
    this.onDeadLetter(letter);
  }

  /** Creates schema; if InfluxDB is not up yet, keeps trying in the background (points spool). */
  async start(): Promise<void> {
    try {
      await ensureSchema(this.influx, this.database, {
        raw: this.config.rawRetention,
        rollup: this.config.rollupRetention,
      });
      this.schemaReady = true;
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'ingest: InfluxDB schema not ready; retrying in 5 s');
      this.schemaTimer = setTimeout(() => void this.start(), this.schemaBackoff.next());
      this.schemaTimer.unref();
    }
  }

  /**
   * Accepts a validated message, or refuses it with a code (device time outside what InfluxDB
   * keeps) so the caller dead-letters it; a refused message never reaches a batch.
   */
  add(msg: DecodedMessage, nowMs = Date.now()): CityEdgeError | undefined {
    const points = toPoints(msg);
    const refused = checkTimes(points, {
      oldestMs: nowMs - this.retentionMs + RETENTION_MARGIN_MS,
      newestMs: nowMs + this.config.maxFutureS * 1000,
    });
    if (refused) {
      this.counters.inc('ingest.refused');
      this.counters.inc(`ingest.refused.${refused.code}`);
      return refused;
    }
    if (points.length > 0) {
      this.wal?.append(points, this.sink.positionAfter(points.length));
      this.sink.add(points);
    }
    this.counters.inc('ingest.messages');
    return undefined;
  }

  /** The most recent dead letters kept on disk (newest first). */
  deadLetters(limit = 100) {
    return this.spool.deadLetters(limit);
  }

  /** Memory is empty: every accepted point is written or spooled. */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  /** Every accepted point is confirmed by InfluxDB (memory and spool empty), or the timeout passed. */
  async drained(timeoutMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.flush();
    while (this.sink.pending > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  status() {
    return {
      enabled: true,
      up: this.sink.isUp && this.schemaReady,
      pendingPoints: this.sink.pending,
      spooledPoints: this.spool.points,
      spooledBatches: this.spool.batches,
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.schemaTimer);
    clearInterval(this.checkpointTimer);
    await this.sink.close();
    await this.wal?.close(this.sink.settled());
    this.spool.close();
  }
}
