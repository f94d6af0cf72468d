/**
 * The outage test: InfluxDB stopped for ≥ 60 s while 1,000 msgs/s flow. After it comes
 * back, every point is in InfluxDB exactly once (and a replay of old messages adds nothing).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import type { MqttClient } from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { sensorMessage } from '../fixtures.ts';
import { connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

const DEVICES = 10;
const RATE = 1000; // msgs/s in total
const DOWN_MS = 62_000;

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

it('keeps every point, once, through a 62 s InfluxDB outage at 1,000 msgs/s', {
  timeout: 240_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-outage-'));
  const port = await freePort();
  influxd = await startInfluxd({ port, dir });
  broker = await startTestBroker({ influx: { url: `http://127.0.0.1:${port}`, flushMs: 200 } });
  for (let i = 0; i < DEVICES; i++) {
    clients.push(
      await connectMqtt(`mqtt://127.0.0.1:${broker.mqttPort}`, await broker.addDevice('soak', `d${i}`)),
    );
  }
  const sent: { topic: string; payload: string; dev: number }[] = [];
  let n = 0;
  let failures = 0;
  // Paced by elapsed time (a loaded machine delays timers): n = RATE × elapsed, QoS 1.
  const started = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * RATE) / 1000);
    for (; n < due; n++) {
      const dev = n % DEVICES;
      const m = sensorMessage('soak', `d${dev}`, Date.now(), n);
      sent.push({ ...m, dev });
      clients[dev]!.publishAsync(m.topic, m.payload, { qos: 1 }).catch(() => failures++);
    }
  }, 10);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, 5000));
  await influxd.stop(); // SIGTERM: InfluxDB is gone; its data folder stays (we own `dir`)
  const downAt = Date.now();
  await waitFor(() => broker!.counters.get('ingest.points.spooled') > 0, 10_000, 'spooling');
  await new Promise((r) => setTimeout(r, DOWN_MS - (Date.now() - downAt)));
  influxd = await startInfluxd({ port, dir });
  const downMs = Date.now() - downAt;
  await new Promise((r) => setTimeout(r, 5000));
  clearInterval(timer);
  const seconds = (Date.now() - t0) / 1000;
  await waitFor(
    () => broker!.counters.get('ingest.messages') === sent.length,
    30_000,
    'all messages ingested',
  );
  await broker.flushIngest();
  await waitFor(() => broker!.ingest!.status().pendingPoints === 0, 60_000, 'spool drained');

  // Replay 1,000 old messages (same id and device ts): overwrites, not new points.
  await Promise.all(
    sent.slice(0, 1000).map((m) => clients[m.dev]!.publishAsync(m.topic, m.payload, { qos: 1 })),
  );
  await waitFor(
    () => broker!.counters.get('ingest.messages') === sent.length + 1000,
    10_000,
    'replay ingested',
  );
  await broker.flushIngest();

  const influx = new InfluxDB({ host: '127.0.0.1', port, database: 'cityedge' });
  const rows = await influx.query<{ count: number }>('SELECT count("raw") FROM "raw"."sensor"');
  const count = rows[0]?.count;
  console.log(
    `outage: ${sent.length} msgs in ${seconds.toFixed(1)} s (${(sent.length / seconds).toFixed(0)}/s), InfluxDB down ${(downMs / 1000).toFixed(1)} s, spooled ${broker.counters.get('ingest.points.spooled')}, replayed ${broker.counters.get('ingest.points.replayed')}, in InfluxDB ${count}`,
  );
  expect(failures).toBe(0);
  expect(downMs).toBeGreaterThanOrEqual(60_000);
  expect(sent.length / seconds).toBeGreaterThan(800);
  expect(broker.counters.get('ingest.points.replayed')).toBeGreaterThan(50_000);
  expect(count).toBe(sent.length);
  expect(broker.counters.get('ingest.points.dropped.spoolFull')).toBe(0);
});
