/** Ingest: validated device messages → points → batched writes to InfluxDB 1.x. */
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import type { Logger } from 'pino';
import type { DecodedMessage } from '../../core/contract/index.ts';
import type { BrokerConfig } from '../config.ts';
import type { Counters } from '../metrics.ts';
import { toPoints } from './points.ts';
import { ensureSchema } from './schema.ts';
import { InfluxSink } from './sink.ts';
import { Spool } from './spool.ts';

export type InfluxConfig = NonNullable<BrokerConfig['influx']>;

export class Ingest {
  readonly influx: InfluxDB;
  readonly database: string;
  private readonly sink: InfluxSink;
  private readonly spool: Spool;
  private schemaReady = false;
  private schemaTimer: NodeJS.Timeout | undefined;

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
    this.spool = new Spool(join(dataDir, 'spool.db'), config.spoolMaxPoints, (n) =>
      counters.inc('ingest.points.dropped.spoolFull', n),
    );
    this.sink = new InfluxSink(
      (points) => this.influx.writePoints(points, { precision: 'n' }),
      this.spool,
      { batchPoints: config.batchPoints, flushMs: config.flushMs },
      counters,
      log,
    );
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
      this.schemaTimer = setTimeout(() => void this.start(), 5000);
      this.schemaTimer.unref();
    }
  }

  add(msg: DecodedMessage): void {
    const points = toPoints(msg);
    if (points.length > 0) this.sink.add(points);
    this.counters.inc('ingest.messages');
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
    await this.sink.close();
    this.spool.close();
  }
}
