/**
 * Issue 16, hole 2: one device must not stop ingest for the city. Against real InfluxDB and a
 * real broker: `ts: 0` and `ts: 1e15` are refused with a code and dead-lettered while 100 valid
 * messages after them are all stored; a spool poisoned with points InfluxDB refuses (and rows
 * that are not points) is drained after a restart, the valid points written, the rest counted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB, type IPoint } from 'influx';
import type { MqttClient } from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { decodeMessage } from '../../core/contract/index.ts';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { openDb } from '../db/sqlite.ts';
import { lotMessage } from '../fixtures.ts';
import { collect, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';
import { toPoints } from './points.ts';
import { Spool } from './spool.ts';

let influxd: RunningServer | undefined;
let broker: TestBroker | undefined;
const clients: MqttClient[] = [];
let dir = '';

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
  await influxd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const lotPoints = (lot: string, n: number, t0: number): IPoint[] =>
  Array.from({ length: n }, (_, i) => {
    const m = lotMessage('stall', lot, t0 - i * 1000, i % 200);
    const d = decodeMessage(m.topic, m.payload);
    if (!d.ok) throw d.error;
    return toPoints(d.value)[0]!;
  });

const count = async (influx: InfluxDB, lot: string) =>
  (
    await influx.query<{ count: number }>(
      `SELECT count("occupied") FROM "raw"."lot_occupancy" WHERE "lot" = '${lot}'`,
    )
  )[0]?.count ?? 0;

it('refuses device times InfluxDB cannot keep, stores the 100 valid messages after them, and drains a poisoned spool after a restart', {
  timeout: 120_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-stall-'));
  const port = await freePort();
  influxd = await startInfluxd({ port }); // its own temp folder, removed by stop()
  const dataDir = join(dir, 'broker');
  const options = { dataDir, influx: { url: `http://127.0.0.1:${port}`, flushMs: 100 } };
  broker = await startTestBroker(options);
  const influx = new InfluxDB({ host: '127.0.0.1', port, database: 'cityedge' });

  const admin = await connectMqtt(`mqtt://127.0.0.1:${broker.mqttPort}`, {
    username: 'admin',
    password: await broker.login('admin', 'admin-password-1'),
  });
  clients.push(admin);
  const letters = collect(admin);
  await admin.subscribeAsync('cityedge/v1/_dlq/#', { qos: 1 });
  const dev = await connectMqtt(
    `mqtt://127.0.0.1:${broker.mqttPort}`,
    await broker.addDevice('stall', 'lot-1'),
  );
  clients.push(dev);

  // The faulty device: schema-valid messages with a clock at the epoch and one at year 33658.
  for (const ts of [0, 1e15]) {
    const m = lotMessage('stall', 'lot-1', ts, 10);
    await dev.publishAsync(m.topic, m.payload, { qos: 1 });
  }
  const now = Date.now();
  for (let i = 0; i < 100; i++) {
    const m = lotMessage('stall', 'lot-1', now - i * 1000, i % 200);
    await dev.publishAsync(m.topic, m.payload, { qos: 1 });
  }
  await waitFor(() => broker!.counters.get('ingest.messages') === 100, 10_000, '100 ingested');
  expect(await broker.ingest!.drained(30_000)).toBe(true);
  expect(await count(influx, 'lot-1')).toBe(100);
  expect(broker.counters.get('ingest.refused.INGEST_TS_TOO_OLD')).toBe(1);
  expect(broker.counters.get('ingest.refused.INGEST_TS_IN_FUTURE')).toBe(1);
  await waitFor(() => letters.length >= 2, 5000, 'dead letters');
  const codes = letters.map((l) => (JSON.parse(l.payload) as { code: string }).code).sort();
  expect(codes).toEqual(['INGEST_TS_IN_FUTURE', 'INGEST_TS_TOO_OLD']);
  expect(letters.every((l) => l.topic === 'cityedge/v1/_dlq/stall/lot-1')).toBe(true);

  // A spool written by an older version (or by hand): points InfluxDB refuses with 400 — one
  // beyond the retention policy, one past int64 nanoseconds — among 50 valid ones, plus a torn row.
  for (const c of clients.splice(0)) c.end(true);
  await broker.close();
  const valid = lotPoints('lot-2', 50, now);
  const spool = new Spool(join(dataDir, 'spool.db'), 1_000_000, () => {});
  spool.push([
    ...valid.slice(0, 20),
    { ...valid[0]!, timestamp: '1000000' },
    ...valid.slice(20, 40),
    { ...valid[1]!, timestamp: '9999999999999999999' },
  ]);
  spool.push(valid.slice(40));
  spool.close();
  const db = openDb(join(dataDir, 'spool.db'));
  db.prepare('INSERT INTO spool (points, body) VALUES (?, ?)').run(7, '[{"measurement":"lot_occ');
  db.close();

  broker = await startTestBroker(options);
  await waitFor(() => broker!.ingest!.status().spooledPoints === 0, 30_000, 'poisoned spool drained');
  expect(await count(influx, 'lot-2')).toBe(50);
  expect(broker.counters.get('ingest.points.rejected')).toBe(2);
  expect(broker.counters.get('ingest.points.corrupt')).toBe(1);
  const kept = broker.ingest!.deadLetters(10);
  expect(kept.filter((l) => l.code === 'INGEST_POINT_REFUSED').map((l) => l.reason)).toEqual([
    expect.stringContaining('400'),
    expect.stringContaining('400'),
  ]);
  // And new messages still flow after the restart.
  const again = await connectMqtt(`mqtt://127.0.0.1:${broker.mqttPort}`, {
    username: 'stall.lot-1',
    password: 'pw-stall-lot-1-secret',
  });
  clients.push(again);
  const m = lotMessage('stall', 'lot-1', now + 1, 7);
  await again.publishAsync(m.topic, m.payload, { qos: 1 });
  expect(await broker.ingest!.drained(10_000)).toBe(true);
  expect(await count(influx, 'lot-1')).toBe(101);
});
