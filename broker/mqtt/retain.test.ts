/**
 * Retained commands (issue 16, hole 3, broker side), against the real broker with mqtt.js: an
 * operator's `gate.open` published with retain was kept and handed to the device again on every
 * (re)subscribe, i.e. on every boot. Now the retain flag is cleared on command topics before
 * aedes stores anything, retained state topics keep working, and retained commands already in
 * a store (older build, restored Redis) are deleted at start.
 */
import { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/servers.ts';
import { lotMessage } from '../fixtures.ts';
import { collect, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';
import { Counters } from '../metrics.ts';
import type { RetainedStore } from './aedes.ts';
import { purgeRetainedCommands } from './hooks.ts';
import { forbidRetainedCommands } from './retain-guard.ts';

let broker: TestBroker;
let tcp: string;
let ws: string;
let gw: { username: string; password: string };
let operatorToken: string;
const clients: MqttClient[] = [];
const track = (c: MqttClient) => {
  clients.push(c);
  return c;
};
const CMD = 'cityedge/v1/campus/gw-1/cmd/gate.open';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  broker = await startTestBroker();
  tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
  ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
  gw = await broker.addDevice('campus', 'gw-1');
  operatorToken = await broker.login('otto', await broker.addUser('otto', 'operator'));
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
});

describe('retained commands', () => {
  it('delivers a command published with retain once, and never again to a later subscriber (a reboot)', async () => {
    const live = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-live' }));
    const got = collect(live);
    await live.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
    const op = track(await connectMqtt(ws, { username: 'otto', password: operatorToken }));
    const body = { transaction: 'ret-1', args: { lane: 'in', reason: 'retained', by: 'otto' } };
    await op.publishAsync(CMD, JSON.stringify(body), { qos: 1, retain: true });
    await waitFor(() => got.length > 0, 5000, 'live delivery');
    expect(got[0]).toMatchObject({ topic: CMD, retain: false });
    expect(broker.counters.get('mqtt.stripped.retain')).toBe(1);

    // Three "boots": each is a fresh subscription, which is when a retained message is sent.
    for (let boot = 0; boot < 3; boot++) {
      const dev = track(await connectMqtt(tcp, { ...gw, clientId: `gw-1-boot-${boot}` }));
      const again = collect(dev);
      await dev.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
      await sleep(300);
      expect(again).toEqual([]);
      dev.end(true);
    }
    expect(got).toHaveLength(1);
  });

  it('keeps retained state topics retained', async () => {
    const dev = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-state' }));
    const m = lotMessage('campus', 'gw-1', Date.now(), 3);
    await dev.publishAsync(m.topic, m.payload, { qos: 1, retain: true });
    const later = track(await connectMqtt(ws, { username: 'otto', password: operatorToken }));
    const got = collect(later);
    await later.subscribeAsync(m.topic, { qos: 1 });
    await waitFor(() => got.length > 0, 5000, 'retained state');
    expect(got[0]).toMatchObject({ topic: m.topic, retain: true });
  });
});

describe('retained commands by paths that skip authorizePublish', () => {
  it("an operator's will on a command topic with retain is delivered once, not retained", async () => {
    const live = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-will-live' }));
    const got = collect(live);
    await live.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
    const body = { transaction: 'will-1', args: { lane: 'in', reason: 'will', by: 'otto' } };
    const op = track(
      await connectMqtt(ws, {
        username: 'otto',
        password: operatorToken,
        will: { topic: CMD, payload: Buffer.from(JSON.stringify(body)), qos: 1, retain: true },
      }),
    );
    (op.stream as unknown as { destroy(): void }).destroy(); // not a DISCONNECT: the will is published
    await waitFor(() => got.some((m) => m.payload.includes('will-1')), 5000, 'will delivered');
    const boot = track(await connectMqtt(tcp, { ...gw, clientId: 'gw-1-will-boot' }));
    const again = collect(boot);
    await boot.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
    await sleep(300);
    expect(again).toEqual([]);
  });

  it('the internal broker.publish (API, bridge, dead letters) and the store itself keep no command', async () => {
    const aedes = await Aedes.createBroker();
    const store = (aedes as unknown as { persistence: RetainedStore }).persistence;
    const counters = new Counters();
    forbidRetainedCommands(aedes, store, counters);
    const publish = (topic: string) =>
      new Promise<void>((resolve, reject) =>
        aedes.publish(
          { cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 1, retain: true, dup: false },
          (e) => (e ? reject(e) : resolve()),
        ),
      );
    await publish(CMD);
    await publish('cityedge/v1/campus/gw-1/status');
    // A path that writes to the persistence directly is refused too.
    await store.storeRetained({
      cmd: 'publish',
      topic: 'cityedge/v1/campus/gw-2/cmd/signals.flash',
      payload: Buffer.from('{}'),
      qos: 0,
      retain: true,
      dup: false,
    });
    const left: string[] = [];
    for await (const p of store.createRetainedStream('#') as AsyncIterable<{ topic: string }>)
      left.push(p.topic);
    expect(left).toEqual(['cityedge/v1/campus/gw-1/status']);
    expect(counters.get('mqtt.stripped.retain')).toBe(1);
    expect(counters.get('mqtt.refused.retainedCommand')).toBe(1);
    await new Promise<void>((r) => aedes.close(() => r()));
  });
});

describe('purgeRetainedCommands', () => {
  it('deletes retained commands already in the store and leaves retained state alone', async () => {
    const aedes = await Aedes.createBroker();
    const store = (aedes as unknown as { persistence: RetainedStore }).persistence;
    const put = (topic: string) =>
      store.storeRetained({
        cmd: 'publish',
        topic,
        payload: Buffer.from('{}'),
        qos: 0,
        retain: true,
        dup: false,
      });
    await put(CMD);
    await put('cityedge/v1/campus/gw-2/cmd/signals.flash');
    await put('cityedge/v1/campus/gw-1/status');
    await put('cityedge/v1/campus/gw-1/cmd/gate.open/response');
    expect((await purgeRetainedCommands(store)).sort()).toEqual([
      CMD,
      'cityedge/v1/campus/gw-2/cmd/signals.flash',
    ]);
    const left: string[] = [];
    for await (const p of store.createRetainedStream('#') as AsyncIterable<{ topic: string }>)
      left.push(p.topic);
    expect(left.sort()).toEqual([
      'cityedge/v1/campus/gw-1/cmd/gate.open/response',
      'cityedge/v1/campus/gw-1/status',
    ]);
    await new Promise<void>((r) => aedes.close(() => r()));
  });
});
