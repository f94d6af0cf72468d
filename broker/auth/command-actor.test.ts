/**
 * The `by` of a command is the authenticated operator's name, whatever the client wrote (issue
 * 16, hole 5): before the fix an operator could send `gate.open` "by mallory" through the API or
 * over MQTT/WebSocket and the device logged mallory. Real broker, real mqtt.js device and
 * operator clients; the device's view of each command is what is asserted.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/servers.ts';
import { ADMIN, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;
let device: MqttClient;
let olga: string;
let admin: string;
/** Every command request the device received, as parsed JSON. */
const seen: { topic: string; args: Record<string, unknown>; transaction: string }[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  admin = await broker.login(ADMIN.username, ADMIN.password);
  olga = await broker.login('olga', await broker.addUser('olga', 'operator'));
  await broker.addUser('mallory', 'operator');
  device = await connectMqtt(
    `mqtt://127.0.0.1:${broker.mqttPort}`,
    await broker.addDevice('campus', 'north'),
  );
  await device.subscribeAsync('cityedge/v1/campus/north/cmd/+', { qos: 1 });
  device.on('message', (topic, payload) => {
    const m = JSON.parse(payload.toString()) as { transaction: string; args: Record<string, unknown> };
    seen.push({ topic, ...m });
    device.publish(`${topic}/response`, JSON.stringify({ status: 'ok', transaction: m.transaction }), {
      qos: 1,
    });
  });
});
afterAll(async () => {
  for (const c of [device, ...clients]) c?.end(true);
  await broker?.close();
});

const gateOpen = (args: Record<string, unknown>) =>
  broker.api('/api/commands', {
    token: olga,
    body: { site: 'campus', device: 'north', command: 'gate.open', args },
  });

const received = async (transaction: string) => {
  await waitFor(() => seen.some((s) => s.transaction === transaction), 5000, `command ${transaction}`);
  return seen.find((s) => s.transaction === transaction)!;
};

async function auditOf(actor: string) {
  const r = await broker.api(`/api/audit?actor=${actor}`, { token: admin });
  return (r.body as { entries: { action: string; detail: string; outcome: string }[] }).entries;
}

describe('command by over the HTTP API', () => {
  it('a spoofed by is overwritten with the caller; the audit keeps the claim', async () => {
    const r = await gateOpen({ lane: 'entry-1', reason: 'spoof', by: 'mallory' });
    expect(r.status).toBe(200);
    const got = await received((r.body as { transaction: string }).transaction);
    expect(got.args).toEqual({ lane: 'entry-1', reason: 'spoof', by: 'olga' });
    expect(broker.counters.get('commands.by.overwritten.http')).toBe(1);
    const entry = (await auditOf('olga')).find((e) => e.detail.includes('spoof'))!;
    expect(JSON.parse(entry.detail)).toMatchObject({ claimedBy: 'mallory', args: { by: 'olga' } });
    expect(await auditOf('mallory')).toEqual([]);
  });

  it('by may be left out (the server fills it); the caller own name is not counted', async () => {
    const r = await gateOpen({ lane: 'entry-1', reason: 'omitted' });
    expect(r.status).toBe(200);
    expect((await received((r.body as { transaction: string }).transaction)).args.by).toBe('olga');
    const own = await gateOpen({ lane: 'entry-1', reason: 'own', by: 'olga' });
    expect((await received((own.body as { transaction: string }).transaction)).args.by).toBe('olga');
    expect(broker.counters.get('commands.by.overwritten.http')).toBe(1);
  });

  it('commands without a by field stay as sent (no field is added)', async () => {
    const r = await broker.api('/api/commands', {
      token: olga,
      body: { site: 'campus', device: 'north', command: 'ping', args: {} },
    });
    expect(r.status).toBe(200);
    expect((await received((r.body as { transaction: string }).transaction)).args).toEqual({});
  });
});

describe('command by over MQTT/WebSocket', () => {
  it('an operator publishing with a spoofed by: the device sees the real name', async () => {
    const ws = await connectMqtt(`ws://127.0.0.1:${broker.httpPort}/mqtt`, {
      username: 'olga',
      password: olga,
    });
    clients.push(ws);
    const topic = 'cityedge/v1/campus/north/cmd/gate.open';
    const spoof = { transaction: 'ws-spoof-1', args: { lane: 'entry-1', reason: 'ws', by: 'mallory' } };
    await ws.publishAsync(topic, JSON.stringify(spoof), { qos: 1 });
    expect((await received('ws-spoof-1')).args).toEqual({ lane: 'entry-1', reason: 'ws', by: 'olga' });
    // Left out: filled in, so the contract's required by is still met and the device obeys.
    const bare = { transaction: 'ws-bare-1', args: { lane: 'entry-1', reason: 'ws' } };
    await ws.publishAsync(topic, JSON.stringify(bare), { qos: 1 });
    expect((await received('ws-bare-1')).args.by).toBe('olga');
    expect(broker.counters.get('commands.by.overwritten.mqtt')).toBe(1);
    await waitFor(
      async () => (await auditOf('olga')).some((e) => e.detail.includes('ws-spoof-1')),
      3000,
      'audit',
    );
    const entry = (await auditOf('olga')).find((e) => e.detail.includes('ws-spoof-1'))!;
    expect(JSON.parse(entry.detail)).toMatchObject({ claimedBy: 'mallory', args: { by: 'olga' } });
  });

  it('a command that is not JSON is still dead-lettered, not delivered', async () => {
    const ws = await connectMqtt(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      username: 'olga',
      password: olga,
    });
    clients.push(ws);
    const before = seen.length;
    const invalid = broker.counters.get('ingest.invalid');
    await ws.publishAsync('cityedge/v1/campus/north/cmd/gate.open', '{not json', { qos: 1 });
    await waitFor(() => broker.counters.get('ingest.invalid') > invalid, 3000, 'dead letter');
    expect(seen.length).toBe(before);
  });
});
