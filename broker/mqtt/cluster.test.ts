/**
 * Two broker processes sharing one redis-server: cross-node delivery, and persistent sessions
 * and retained messages surviving a restart of every broker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer, startRedis, waitFor } from '../../testing/servers.ts';
import { lotMessage } from '../fixtures.ts';
import { type BrokerProcess, spawnBroker } from '../process.ts';
import { ADMIN, collect, connectMqtt } from '../testing.ts';

let redis: RunningServer;
const nodes: BrokerProcess[] = [];
const clients: MqttClient[] = [];
const dirs: string[] = [];
const jwtSecret = 'cluster-secret-0123456789abcdef';

async function node(): Promise<BrokerProcess & { token: string; url: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cityedge-node-'));
  dirs.push(dataDir);
  const b = await spawnBroker({
    mqttPort: await freePort(),
    httpPort: await freePort(),
    dataDir,
    jwtSecret,
    admin: ADMIN,
    redis: { host: '127.0.0.1', port: redis.port },
  });
  nodes.push(b);
  const http = `http://127.0.0.1:${b.httpPort}`;
  const login = await fetch(`${http}/api/login`, { method: 'POST', body: JSON.stringify(ADMIN) });
  const { token } = (await login.json()) as { token: string };
  // SQLite is per node: register the devices on each (docs/broker.md: one API node, or provisioning on all).
  for (const device of ['gw-1', 'gw-2']) {
    await fetch(`${http}/api/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ site: 'campus', device, kind: 'parking', password: `pw-${device}-secret` }),
    });
  }
  return { ...b, token, url: `mqtt://127.0.0.1:${b.mqttPort}` };
}

const mqttClient = async (url: string, opts: Parameters<typeof connectMqtt>[1]) => {
  const c = await connectMqtt(url, opts);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('two brokers, one Redis', () => {
  it('delivers across nodes; sessions and retained messages survive restarting both', async () => {
    const [a, b] = [await node(), await node()];
    // Cross-node: admin (token) subscribed on B sees a device publishing on A.
    const watcher = await mqttClient(b.url, { username: 'admin', password: b.token });
    const seen = collect(watcher);
    await watcher.subscribeAsync('cityedge/v1/campus/#', { qos: 1 });
    const gw2 = await mqttClient(a.url, { username: 'campus.gw-2', password: 'pw-gw-2-secret' });
    const lot = lotMessage('campus', 'gw-2', Date.now(), 77);
    await gw2.publishAsync(lot.topic, lot.payload, { qos: 1, retain: true });
    await waitFor(() => seen.some((m) => m.payload === lot.payload), 10_000, 'cross-node delivery');

    // A persistent session on A: subscribe, go offline, a command is queued through B.
    const creds = {
      username: 'campus.gw-1',
      password: 'pw-gw-1-secret',
      clientId: 'campus-gw-1',
      clean: false,
    };
    const gw1 = await mqttClient(a.url, creds);
    await gw1.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
    await gw1.endAsync();
    const op = await mqttClient(b.url, { username: 'admin', password: b.token });
    const cmd = { transaction: 'queued-1', args: {} };
    await op.publishAsync('cityedge/v1/campus/gw-1/cmd/ping', JSON.stringify(cmd), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));

    for (const c of clients) c.end(true);
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    const c = await node();

    const got: string[] = [];
    // Attach the handler before CONNACK: the queued command arrives right after it.
    const back = mqtt.connect(c.url, { ...creds, protocolVersion: 4, reconnectPeriod: 0 });
    clients.push(back);
    back.on('message', (_t, p) => got.push(p.toString()));
    await waitFor(() => got.length > 0, 10_000, 'queued command after restart');
    expect(JSON.parse(got[0]!)).toEqual(cmd);

    const fresh = await mqttClient(c.url, { username: 'admin', password: c.token });
    const retained = collect(fresh);
    await fresh.subscribeAsync('cityedge/v1/campus/gw-2/parking/lot', { qos: 1 });
    await waitFor(() => retained.length > 0, 10_000, 'retained after restart');
    expect(retained[0]).toMatchObject({ payload: lot.payload, retain: true });
  });
});
