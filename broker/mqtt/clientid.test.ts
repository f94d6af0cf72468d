/**
 * Client-id takeover (issue 16, hole 4), reproduced against the real broker with real mqtt.js
 * clients: another device's credential over TCP and a viewer's token over WebSocket both connect
 * with the agent's client id. Before the fix each connection kicked the agent off and the viewer
 * received its commands; now each is refused with CONNACK 0x02 and counted, and the agent stays.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor } from '../../core/contract/index.ts';
import { waitFor } from '../../testing/servers.ts';
import { collect, connackCode, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;
let tcp: string;
let ws: string;
let gw1: { username: string; password: string };
let gw2: { username: string; password: string };
let viewerToken: string;
let operatorToken: string;
const clients: MqttClient[] = [];
const track = (c: MqttClient) => {
  clients.push(c);
  return c;
};
const AGENT_ID = 'campus.gw-1';

beforeAll(async () => {
  broker = await startTestBroker();
  tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
  ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
  gw1 = await broker.addDevice('campus', 'gw-1');
  gw2 = await broker.addDevice('campus', 'gw-2');
  viewerToken = await broker.login('vera', await broker.addUser('vera', 'viewer'));
  operatorToken = await broker.login('otto', await broker.addUser('otto', 'operator'));
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
});

/** The agent: a persistent session on its own id, answering gate.open like the edge does. */
async function startAgent(clientId: string) {
  const agent = track(await connectMqtt(tcp, { ...gw1, clientId, clean: false }));
  const closes = { n: 0 };
  agent.on('close', () => {
    closes.n += 1;
  });
  const got = collect(agent);
  agent.on('message', (topic, payload) => {
    if (!topic.endsWith('/cmd/gate.open')) return;
    const { transaction } = JSON.parse(payload.toString()) as { transaction: string };
    const reply = topicFor('commandResponse', { site: 'campus', device: 'gw-1', command: 'gate.open' });
    agent.publish(reply, JSON.stringify({ status: 'ok', transaction }), { qos: 1 });
  });
  await agent.subscribeAsync('cityedge/v1/campus/gw-1/cmd/+', { qos: 1 });
  return { agent, closes, got };
}

describe('client id bound to the authenticated identity', () => {
  it("refuses another device's credential and a viewer using the agent's id; the agent stays and gets its commands", async () => {
    const { agent, closes, got } = await startAgent(AGENT_ID);
    const refusedBefore = broker.counters.get('mqtt.refused.clientid');
    // The attack: 25 takeover attempts alternating between the two attackers.
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) {
      codes.push(
        i % 2 === 0
          ? await connackCode(tcp, { ...gw2, clientId: AGENT_ID, clean: false })
          : await connackCode(ws, {
              username: 'vera',
              password: viewerToken,
              clientId: AGENT_ID,
              clean: false,
            }),
      );
    }
    expect(codes).toEqual(Array.from({ length: 25 }, () => 2)); // [MQTT-3.1.3-9] identifier rejected
    expect(broker.counters.get('mqtt.refused.clientid')).toBe(refusedBefore + 25);
    expect(agent.connected).toBe(true);
    expect(closes.n).toBe(0);

    // A command through the API still reaches the agent and is answered.
    const r = await broker.api('/api/commands', {
      token: operatorToken,
      body: {
        site: 'campus',
        device: 'gw-1',
        command: 'gate.open',
        args: { lane: 'in', reason: 'test', by: 'otto' },
      },
    });
    expect(r.status).toBe(200);
    expect((r.body as { response: { status: string } }).response.status).toBe('ok');
    expect(got.filter((m) => m.topic.endsWith('/cmd/gate.open'))).toHaveLength(1);
    agent.end(true);
  });

  it('refuses an id in a device namespace while that device is offline, so no attacker inherits its session', async () => {
    // The agent's persistent session exists (previous test) but it is disconnected now.
    await waitFor(() => broker.counters.get('mqtt.refused.clientid') > 0, 1000, 'counter');
    expect(await connackCode(tcp, { ...gw2, clientId: AGENT_ID, clean: false })).toBe(2);
    expect(await connackCode(tcp, { ...gw2, clientId: `${AGENT_ID}.spare` })).toBe(2);
    expect(await connackCode(ws, { username: 'otto', password: operatorToken, clientId: AGENT_ID })).toBe(2);
    // The device itself resumes its session and receives what was queued meanwhile.
    const viewer = track(await connectMqtt(ws, { username: 'otto', password: operatorToken }));
    const body = { transaction: 'offline-1', args: { lane: 'in', reason: 'queued', by: 'otto' } };
    await viewer.publishAsync('cityedge/v1/campus/gw-1/cmd/gate.open', JSON.stringify(body), { qos: 1 });
    const agent = track(await connectMqtt(tcp, { ...gw1, clientId: AGENT_ID, clean: false }));
    const got = collect(agent);
    await waitFor(
      () => got.some((m) => m.payload.includes('offline-1')),
      5000,
      'queued command after resume',
    );
    agent.end(true);
  });

  it('refuses an id outside any device namespace while another identity holds it', async () => {
    const { agent, closes } = await startAgent('gate-controller');
    expect(
      await connackCode(ws, { username: 'vera', password: viewerToken, clientId: 'gate-controller' }),
    ).toBe(2);
    expect(await connackCode(tcp, { ...gw2, clientId: 'gate-controller' })).toBe(2);
    expect(agent.connected).toBe(true);
    expect(closes.n).toBe(0);
    agent.end(true);
  });

  it('still lets the same identity take over its own id (a rebooted device whose old TCP is half-open)', async () => {
    const first = track(await connectMqtt(tcp, { ...gw1, clientId: AGENT_ID, clean: false }));
    const kicked = new Promise<void>((r) => first.once('close', () => r()));
    const second = track(await connectMqtt(tcp, { ...gw1, clientId: AGENT_ID, clean: false }));
    await kicked; // [MQTT-3.1.4-2] the server disconnects the existing client
    expect(second.connected).toBe(true);
    second.end(true);
  });
});
