/**
 * Ingest-only mode against Debian mosquitto 2 (MQTT 5 shared subscriptions, password auth):
 * two ingest workers split the messages without double-writing, a redelivered message id lands
 * once, a worker that restarts resumes its persistent session, and the API's commands reach a
 * device connected to mosquitto.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  freePort,
  type RunningServer,
  startInfluxd,
  startMosquitto,
  waitFor,
} from '../../testing/servers.ts';
import { sensorMessage } from '../fixtures.ts';
import { ADMIN, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

const USERS = { ingest: 'ingest-secret-1', 'north.gw-1': 'device-secret-1' };
let mosq: RunningServer;
let influxd: RunningServer;
let influxPort: number;
let dir: string;
const workers: TestBroker[] = [];
let device: MqttClient;

function startWorker(n: number): Promise<TestBroker> {
  return startTestBroker({
    nodeId: `w${n}`,
    dataDir: join(dir, `w${n}`),
    influx: { url: `http://127.0.0.1:${influxPort}`, flushMs: 100 },
    external: {
      url: `mqtt://127.0.0.1:${mosq.port}`,
      username: 'ingest',
      password: USERS.ingest,
      clientId: `ingest-w${n}`,
    },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-external-'));
  mosq = await startMosquitto({ users: USERS });
  influxPort = await freePort();
  influxd = await startInfluxd({ port: influxPort });
  workers.push(await startWorker(0), await startWorker(1));
  device = await connectMqtt(`mqtt://127.0.0.1:${mosq.port}`, {
    username: 'north.gw-1',
    password: USERS['north.gw-1'],
  });
}, 90_000);
afterAll(async () => {
  device?.end(true);
  for (const w of workers) await w.close();
  await mosq?.stop();
  await influxd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const total = (name: string) => workers.reduce((s, w) => s + w.counters.get(name), 0);

it('refuses to start with wrong external credentials, naming the broker', async () => {
  await expect(
    startTestBroker({
      external: { url: `mqtt://127.0.0.1:${mosq.port}`, username: 'ingest', password: 'wrong' },
    }),
  ).rejects.toThrow(/external broker/);
});

it('two workers split the load through $share; a repeated message id is stored once', {
  timeout: 60_000,
}, async () => {
  const N = 400;
  const t0 = Date.now() - 60_000;
  const sent = Array.from({ length: N }, (_, i) =>
    sensorMessage('north', 'gw-1', t0 + i, i, `msg-0000-${i}`),
  );
  for (const m of sent) await device.publishAsync(m.topic, m.payload, { qos: 1 });
  // The edge's store-and-forward replays 50 of them (same id, same ts).
  for (const m of sent.slice(0, 50)) await device.publishAsync(m.topic, m.payload, { qos: 1 });
  await waitFor(() => total('ingest.messages') >= N + 50, 20_000, 'both workers ingest');
  for (const w of workers) await w.flushIngest();
  // Each message reached exactly one worker, and both got a share.
  expect(total('external.messages')).toBe(N + 50);
  for (const w of workers) expect(w.counters.get('external.messages')).toBeGreaterThan(50);
  const influx = new InfluxDB({ host: '127.0.0.1', port: influxPort, database: 'cityedge' });
  const rows = await influx.query<{ count: number }>('SELECT count("raw") FROM "raw"."sensor"');
  expect(rows[0]?.count).toBe(N);
});

it('an invalid message is counted, not ingested, and nothing else is lost', async () => {
  const before = total('ingest.invalid');
  await device.publishAsync('cityedge/v1/north/gw-1/sensor/s1', '{not json', { qos: 1 });
  await waitFor(() => total('ingest.invalid') === before + 1, 10_000, 'invalid counted');
});

it('a restarted worker resumes its persistent session and gets what was queued meanwhile', {
  timeout: 60_000,
}, async () => {
  const w1 = workers.pop()!;
  await w1.close();
  const before = workers[0]!.counters.get('external.messages');
  // While w1 is away mosquitto queues to w1's session only what the group cannot place elsewhere;
  // what matters is that nothing is lost and w1 comes back on its old session.
  const t0 = Date.now() - 30_000;
  const batch = Array.from({ length: 100 }, (_, i) =>
    sensorMessage('north', 'gw-1', t0 + i, i, `rst-0000-${i}`),
  );
  for (const m of batch) await device.publishAsync(m.topic, m.payload, { qos: 1 });
  const again = await startWorker(1);
  workers.push(again);
  await waitFor(
    () =>
      workers[0]!.counters.get('external.messages') - before + again.counters.get('external.messages') >= 100,
    20_000,
    'the batch is ingested',
  );
  expect(again.counters.get('external.sessionResumed')).toBe(1);
  for (const w of workers) await w.flushIngest();
  const influx = new InfluxDB({ host: '127.0.0.1', port: influxPort, database: 'cityedge' });
  const rows = await influx.query<{ count: number }>('SELECT count("raw") FROM "raw"."sensor"');
  expect(rows[0]?.count).toBe(500);
});

it("the API's commands reach a device on the external broker and its response comes back", async () => {
  const w = workers[0]!;
  await w.accounts.createDevice('north', 'gw-1', 'parking', null);
  await device.subscribeAsync('cityedge/v1/north/gw-1/cmd/+', { qos: 1 });
  device.on('message', (topic, payload) => {
    if (!topic.endsWith('/cmd/gate.open')) return;
    const { transaction } = JSON.parse(payload.toString()) as { transaction: string };
    device.publish(
      `${topic}/response`,
      JSON.stringify({ status: 'ok', data: { barrier: 'up' }, transaction }),
      {
        qos: 1,
      },
    );
  });
  const token = await w.login(ADMIN.username, ADMIN.password);
  const r = await w.api('/api/commands', {
    token,
    body: {
      site: 'north',
      device: 'gw-1',
      command: 'gate.open',
      args: { lane: 'entry-1', reason: 'test', by: 'x' },
    },
  });
  expect(r.status).toBe(200);
  expect((r.body as { response: unknown }).response).toMatchObject({ status: 'ok' });
  expect((await w.api('/api/health')).status).toBe(200);
});
