/**
 * A real aedes broker on free loopback ports, real mqtt.js clients over TCP and WebSocket:
 * authentication, ACL, limits and dead letters.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/servers.ts';
import { lotMessage } from '../fixtures.ts';
import { collect, connackCode, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;
let tcp: string;
let ws: string;
let gw: { username: string; password: string };
let viewerToken: string;
let operatorToken: string;
const clients: MqttClient[] = [];
const track = (c: MqttClient) => {
  clients.push(c);
  return c;
};

beforeAll(async () => {
  broker = await startTestBroker({
    limits: { maxPayloadBytes: 4096, maxConnections: 50, ratePerS: 50, burst: 20 },
  });
  tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
  ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
  gw = await broker.addDevice('campus', 'gw-1');
  await broker.addDevice('campus', 'gw-2');
  viewerToken = await broker.login('vera', await broker.addUser('vera', 'viewer'));
  operatorToken = await broker.login('otto', await broker.addUser('otto', 'operator'));
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
});

describe('authentication', () => {
  it('accepts a registered device and refuses a wrong password (4) or no credentials (5)', async () => {
    expect(await connackCode(tcp, gw)).toBe(0);
    expect(await connackCode(tcp, { username: gw.username, password: 'wrong-password' })).toBe(4);
    expect(await connackCode(tcp, { username: 'campus.nobody', password: gw.password })).toBe(4);
    expect(await connackCode(tcp, {})).toBe(5);
    expect(broker.counters.get('mqtt.refused.auth')).toBeGreaterThanOrEqual(3);
  });

  it('accepts a dashboard token over WebSocket only for the user it was issued to', async () => {
    expect(await connackCode(ws, { username: 'vera', password: viewerToken })).toBe(0);
    expect(await connackCode(ws, { username: 'otto', password: viewerToken })).toBe(4);
    expect(await connackCode(ws, { username: 'vera', password: `${viewerToken.slice(0, -4)}AAAA` })).toBe(4);
  });
});

describe('authorisation', () => {
  it('delivers a device message to a viewer over WebSocket; the viewer cannot publish', async () => {
    const viewer = track(await connectMqtt(ws, { username: 'vera', password: viewerToken }));
    const got = collect(viewer);
    await viewer.subscribeAsync('cityedge/v1/campus/#', { qos: 1 });
    const dev = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-a' }));
    const msg = lotMessage('campus', 'gw-1', Date.now(), 50);
    await dev.publishAsync(msg.topic, msg.payload, { qos: 1, retain: true });
    await waitFor(() => got.some((m) => m.topic === msg.topic), 5000, 'viewer receives');
    const denied = broker.counters.get('mqtt.denied.publish');
    const closed = new Promise<void>((r) => viewer.once('close', () => r()));
    viewer.publish(msg.topic, msg.payload, { qos: 1 });
    await closed; // [MQTT-3.3.5-2] the broker closes the connection instead of forwarding
    expect(broker.counters.get('mqtt.denied.publish')).toBe(denied + 1);
  });

  it("refuses a device publishing under another device's subtree or to its own command topic", async () => {
    for (const topic of ['cityedge/v1/campus/gw-2/parking/lot', 'cityedge/v1/campus/gw-1/cmd/gate.open']) {
      const dev = track(await connectMqtt(tcp, { ...gw, clientId: `gw-1-${topic.length}` }));
      const closed = new Promise<void>((r) => dev.once('close', () => r()));
      dev.publish(topic, '{}', { qos: 1 });
      await closed;
    }
    expect(broker.counters.get('mqtt.denied.publish')).toBeGreaterThanOrEqual(2);
  });

  it('lets a device subscribe to its own commands only (SUBACK 0x80 otherwise)', async () => {
    const dev = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-sub' }));
    await expect(dev.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 })).resolves.toBeDefined();
    for (const filter of ['cityedge/v1/campus/gw-2/cmd/+', 'cityedge/v1/#', 'cityedge/v1/campus/gw-1/#']) {
      const granted = await dev.subscribeAsync(filter, { qos: 1 }).catch(() => [{ qos: 128 }]);
      expect(granted[0]?.qos).toBe(128);
    }
  });

  it('lets an operator command a device over MQTT and audits it', async () => {
    const dev = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-cmd' }));
    const got = collect(dev);
    await dev.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
    const op = track(await connectMqtt(ws, { username: 'otto', password: operatorToken }));
    const body = { transaction: 't-1', args: { lane: 'entry-1', reason: 'test', by: 'otto' } };
    await op.publishAsync('cityedge/v1/campus/gw-1/cmd/gate.open', JSON.stringify(body), { qos: 1 });
    await waitFor(() => got.length > 0, 5000, 'device gets command');
    expect(JSON.parse(got[0]!.payload)).toEqual(body);
    const adminToken = await broker.login('admin', 'admin-password-1');
    const audit = await broker.api('/api/audit?actor=otto', { token: adminToken });
    const entries = (audit.body as { entries: { action: string; target: string }[] }).entries;
    expect(entries.some((e) => e.action === 'command' && e.target === 'campus/gw-1/gate.open')).toBe(true);
  });
});

describe('bad payloads', () => {
  it('dead-letters malformed, schema-violating and oversized payloads, and keeps serving', async () => {
    const viewer = track(await connectMqtt(ws, { username: 'vera', password: viewerToken }));
    const dlq = collect(viewer);
    await viewer.subscribeAsync('cityedge/v1/#', { qos: 1 });
    const dev = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-bad' }));
    const topic = 'cityedge/v1/campus/gw-1/parking/lot';
    await dev.publishAsync(topic, '{not json', { qos: 1 });
    await dev.publishAsync(topic, JSON.stringify({ id: 'abcdefgh', ts: 1, data: { totalSpotNumber: -1 } }), {
      qos: 1,
    });
    await dev.publishAsync(topic, 'x'.repeat(5000), { qos: 1 });
    await dev.publishAsync('cityedge/v1/campus/gw-1/no/such/kind', '{}', { qos: 1 });
    const good = lotMessage('campus', 'gw-1', Date.now(), 7);
    await dev.publishAsync(good.topic, good.payload, { qos: 1 });
    await waitFor(
      () => dlq.filter((m) => m.topic.includes('/_dlq/')).length === 4,
      5000,
      'four dead letters',
    );
    const letters = dlq
      .filter((m) => m.topic === 'cityedge/v1/_dlq/campus/gw-1')
      .map((m) => JSON.parse(m.payload));
    expect(letters.map((l) => l.code)).toEqual([
      'CONTRACT_BAD_JSON',
      'CONTRACT_SCHEMA',
      'BROKER_PAYLOAD_TOO_LARGE',
      'CONTRACT_UNKNOWN_TOPIC',
    ]);
    expect(letters[2].excerpt.length).toBe(512);
    // Nothing invalid reached subscribers under its original topic; the valid one did.
    await waitFor(() => dlq.some((m) => m.payload === good.payload), 5000, 'valid message');
    expect(dlq.filter((m) => m.topic === topic && !m.retain).map((m) => m.payload)).toEqual([good.payload]);
    expect(broker.counters.get('ingest.invalid')).toBe(4);
    expect(dev.connected).toBe(true);
  });
});

describe('rate limit', () => {
  it('throttles a chattering device without dropping its messages or slowing others', async () => {
    const viewer = track(await connectMqtt(ws, { username: 'vera', password: viewerToken }));
    const got = collect(viewer);
    await viewer.subscribeAsync('cityedge/v1/campus/+/parking/lot', { qos: 1 });
    const noisy = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-noisy' }));
    const quiet = track(
      await connectMqtt(tcp, { ...(await broker.addDevice('campus', 'gw-3')), clientId: 'gw-3' }),
    );
    const start = Date.now();
    const sends = Array.from({ length: 60 }, (_, i) => {
      const m = lotMessage('campus', 'gw-1', start + i, i);
      return noisy.publishAsync(m.topic, m.payload, { qos: 1 });
    });
    const q = lotMessage('campus', 'gw-3', start, 1);
    await quiet.publishAsync(q.topic, q.payload, { qos: 1 });
    const quietMs = Date.now() - start;
    await Promise.all(sends);
    const noisyMs = Date.now() - start;
    // burst 20 then 50/s: 40 more messages need ≥ 0.8 s; the quiet device is not queued behind them.
    expect(noisyMs).toBeGreaterThanOrEqual(700);
    expect(quietMs).toBeLessThan(noisyMs / 2);
    expect(broker.counters.get('mqtt.throttled')).toBeGreaterThanOrEqual(30);
    await waitFor(() => got.filter((m) => m.topic.endsWith('gw-1/parking/lot')).length >= 60, 5000, 'all 60');
  });
});

describe('connection limit', () => {
  it('refuses connections beyond maxConnections with CONNACK 3 (server unavailable)', async () => {
    const small = await startTestBroker({
      limits: { maxPayloadBytes: 4096, maxConnections: 2, ratePerS: 50, burst: 20 },
    });
    try {
      const url = `mqtt://127.0.0.1:${small.mqttPort}`;
      const creds = await small.addDevice('campus', 'gw-9');
      const held = [
        await connectMqtt(url, { ...creds, clientId: 'a' }),
        await connectMqtt(url, { ...creds, clientId: 'b' }),
      ];
      expect(await connackCode(url, { ...creds, clientId: 'c' })).toBe(3);
      expect(small.counters.get('mqtt.refused.connections')).toBe(1);
      for (const c of held) c.end(true);
    } finally {
      await small.close();
    }
  });
});
