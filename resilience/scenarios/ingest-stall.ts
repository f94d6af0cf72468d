/**
 * Issue 16, hole 2: one faulty device must not stall ingest for the city. A device whose clock
 * is broken sends schema-valid messages InfluxDB cannot keep (`ts: 0`, `ts: 1e15`, 60 days ago,
 * 2 days ahead) interleaved with valid traffic from a healthy device, against real aedes and real
 * InfluxDB. Every valid message must be stored exactly once; every bad one refused with a code.
 * Then the broker restarts on a spool poisoned with points InfluxDB answers 400 to: the valid
 * spooled points must be written and the poisoned ones dead-lettered, not retried forever.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB, type IPoint } from 'influx';
import type { MqttClient } from 'mqtt';
import { decodeMessage, MEASUREMENTS } from '../../core/contract/index.ts';
import { eventMessage, lotMessage } from '../../broker/fixtures.ts';
import { Spool } from '../../broker/ingest/spool.ts';
import { toPoints } from '../../broker/ingest/points.ts';
import { connectMqtt, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'stall';
const DAY = 86_400_000;

export const scenario: Scenario = {
  name: 'ingest-stall',
  what: 'a device with a broken clock sends messages InfluxDB refuses (ts 0, 1e15, beyond retention, days ahead) among valid traffic, then the broker restarts on a poisoned spool',
  ci: true,
  async run(ctx) {
    const nBad = ctx.quick ? 200 : 2_000;
    const nValid = ctx.quick ? 300 : 3_000;
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-stall-'));
    let influxd: RunningServer | undefined;
    let broker: TestBroker | undefined;
    const clients: MqttClient[] = [];
    try {
      const port = await freePort();
      influxd = await startInfluxd({ port });
      const options = {
        dataDir: join(dir, 'broker'),
        influx: { url: `http://127.0.0.1:${port}`, flushMs: 100 },
        limits: { maxPayloadBytes: 256 * 1024, maxConnections: 100, ratePerS: 100_000, burst: 100_000 },
      };
      broker = await startTestBroker(options);
      const url = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const bad = await connectMqtt(url, await broker.addDevice(SITE, 'broken-clock'));
      const good = await connectMqtt(url, await broker.addDevice(SITE, 'good'));
      clients.push(bad, good);

      const now = Date.now();
      const badTimes = [0, 1e15, now - 60 * DAY, now + 2 * DAY];
      const ids = new Set<string>();
      const acked = new Set<string>();
      const sends: Promise<unknown>[] = [];
      let badAcked = 0;
      for (let i = 0, b = 0; i < nValid; i++) {
        const m = eventMessage(SITE, 'good', now - i, i % 2 ? 'entry' : 'exit', `AB${1000 + (i % 9000)}`);
        ids.add(m.id);
        sends.push(good.publishAsync(m.topic, m.payload, { qos: 1 }).then(() => acked.add(m.id)));
        for (; b < Math.round(((i + 1) * nBad) / nValid); b++) {
          const x = lotMessage(SITE, 'broken-clock', badTimes[b % badTimes.length]!, b % 200);
          sends.push(bad.publishAsync(x.topic, x.payload, { qos: 1 }).then(() => badAcked++));
        }
        if (sends.length >= 200) await Promise.allSettled(sends.splice(0));
      }
      await Promise.allSettled(sends);
      await waitFor(() => broker!.counters.get('ingest.messages') >= acked.size, 15_000, 'ingested').catch(
        () => {},
      );
      await broker.ingest!.drained(30_000);
      const influx = new InfluxDB({ host: '127.0.0.1', port, database: 'cityedge' });
      const rows = await influx.query<{ msgId: string }>(
        `SELECT "msgId" FROM "raw"."parking_event" WHERE "lot" = 'good'`,
      );
      const seen = new Map<string, number>();
      for (const r of rows) if (ids.has(r.msgId)) seen.set(r.msgId, (seen.get(r.msgId) ?? 0) + 1);
      const refusedLive = broker.counters.get('ingest.refused');
      const stalled = broker.counters.get('ingest.write.failures');

      // Restart on a poisoned spool: 2 points InfluxDB answers 400 to among 100 valid ones.
      for (const c of clients.splice(0)) c.end(true);
      await broker.close();
      const valid: IPoint[] = Array.from({ length: 100 }, (_, i) => {
        const m = lotMessage(SITE, 'spooled', now - i * 1000, i % 200);
        const d = decodeMessage(m.topic, m.payload);
        if (!d.ok) throw d.error;
        return toPoints(d.value)[0]!;
      });
      const spool = new Spool(join(options.dataDir, 'spool.db'), 1_000_000, () => {});
      spool.push([
        { ...valid[0]!, timestamp: '1000000' },
        ...valid,
        { ...valid[1]!, timestamp: '9999999999999999999' },
      ]);
      spool.close();
      const t0 = Date.now();
      broker = await startTestBroker(options);
      const drained = await waitFor(
        () => broker!.ingest!.status().spooledPoints === 0,
        30_000,
        'spool drained',
      )
        .then(() => true)
        .catch(() => false);
      const drainMs = Date.now() - t0;
      const spooledStored =
        (
          await influx.query<{ count: number }>(
            `SELECT count("occupied") FROM "raw"."${MEASUREMENTS.parkingLot}" WHERE "lot" = 'spooled'`,
          )
        )[0]?.count ?? 0;
      const rejected = broker.counters.get('ingest.points.rejected');
      const duplicated = [...seen.values()].reduce((s, n) => s + n - 1, 0);
      return {
        sent: nValid,
        acknowledged: acked.size,
        stored: seen.size,
        lost: [...acked].filter((id) => !seen.has(id)).length,
        duplicated,
        refused: refusedLive + rejected,
        // A bad message that reached InfluxDB, or a poisoned spool that still blocks, got through.
        breached: (drained ? 0 : 1) + (spooledStored === 100 ? 0 : 1),
        notes: [
          `${nBad} messages with a broken clock (acknowledged ${badAcked}, refused at ingest ${refusedLive}) among ${nValid} valid`,
          `valid stored ${seen.size}/${nValid}; InfluxDB write failures during the attack ${stalled}`,
          `restart on a poisoned spool: drained ${drained} in ${(drainMs / 1000).toFixed(1)} s, valid spooled points stored ${spooledStored}/100, refused by InfluxDB and dead-lettered ${rejected}`,
        ],
      };
    } finally {
      for (const c of clients) c.end(true);
      await broker?.close();
      await influxd?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
