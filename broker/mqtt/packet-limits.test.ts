/**
 * Issue 16, hole 7: an oversized MQTT packet was read whole (RSS +215 MB for 100 MB), then
 * acknowledged and dead-lettered; a topic of more than 100 levels closed the connection with no
 * log line or metric. A real broker and real mqtt.js clients; the attack bytes are written raw
 * onto the client's own connection (TCP and WebSocket), header first, body in chunks.
 */
import { Writable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/servers.ts';
import { lotMessage } from '../fixtures.ts';
import { collect, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';
import { PacketSizeScanner } from './packet-guard.ts';
import { remainingLength } from '../../testing/mqtt-bytes.ts';

/** A QoS 0 PUBLISH to `topic` with `payload`. */
function publishPacket(topic: string, payload: Buffer): Buffer {
  const t = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, payload]);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(body.length), body]);
}

describe('PacketSizeScanner', () => {
  it('follows packet boundaries through any split of the stream and passes packets at the limit', () => {
    const stream = Buffer.concat([
      publishPacket('a/b', Buffer.alloc(10)),
      Buffer.from([0xc0, 0x00]), // PINGREQ: zero remaining length
      publishPacket('c', Buffer.alloc(1000 - 3)), // remaining length exactly 1000
      publishPacket('d/e/f', Buffer.alloc(300)),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const s = new PacketSizeScanner(1000);
      expect(s.feed(stream.subarray(0, cut))).toBeNull();
      expect(s.feed(stream.subarray(cut))).toBeNull();
    }
  });

  it('refuses as soon as the fixed header announces more than the limit, whatever follows', () => {
    const s = new PacketSizeScanner(1000);
    expect(s.feed(publishPacket('ok', Buffer.alloc(50)))).toBeNull();
    const header = Buffer.concat([Buffer.from([0x30]), remainingLength(10 * 1024 * 1024)]);
    expect(s.feed(header)?.code).toBe('BROKER_PACKET_TOO_LARGE');
  });

  it('refuses a remaining length longer than four bytes as malformed', () => {
    const s = new PacketSizeScanner(268_435_455);
    expect(s.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff]))?.code).toBe('BROKER_MALFORMED_LENGTH');
  });
});

let broker: TestBroker;
let tcp: string;
let ws: string;
const logLines: { msg: string; reason?: string; clientId?: string | null }[] = [];
const clients: MqttClient[] = [];
const LIMIT = 4096 + 1024;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      cb();
    },
  });
  broker = await startTestBroker(
    { limits: { maxPayloadBytes: 4096, maxConnections: 50, ratePerS: 1000, burst: 1000 } },
    pino({ level: 'warn' }, sink),
  );
  tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
  ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
});

/**
 * Writes a PUBLISH header announcing `size` bytes, then the body in `chunk`-byte writes until the
 * broker closes the connection; resolves with the body bytes written by then.
 */
async function sendOversized(client: MqttClient, size: number, chunk: number): Promise<number> {
  const stream = client.stream;
  let closed = false;
  stream.once('close', () => {
    closed = true;
  });
  stream.write(Buffer.concat([Buffer.from([0x30]), remainingLength(size), Buffer.from([0, 1, 0x78])]));
  const piece = Buffer.alloc(chunk, 0x61);
  let written = 0;
  while (!closed && written < size) {
    const more = stream.write(piece);
    written += chunk;
    if (!more) await new Promise((r) => setTimeout(r, 5));
    else await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => closed, 5000, 'broker closed the connection');
  return written;
}

describe('maximum packet size', () => {
  it('closes a TCP connection whose PUBLISH announces 10 MB before the body is sent', async () => {
    const dev = await connectMqtt(tcp, {
      ...(await broker.addDevice('big', 'tcp-1')),
      clientId: 'big-tcp-1',
    });
    clients.push(dev);
    const size = 10 * 1024 * 1024;
    const written = await sendOversized(dev, size, 64 * 1024);
    // Before the fix the broker waited for all 10 MB (and buffered them) before it judged the packet.
    expect(written).toBeLessThan(size / 2);
    expect(broker.counters.get('mqtt.refused.packet_too_large')).toBe(1);
    expect(logLines.some((l) => l.reason === 'refused.packet_too_large')).toBe(true);
  });

  it('closes a WebSocket connection whose 1 MB PUBLISH comes in small frames', async () => {
    const dev = await connectMqtt(ws, { ...(await broker.addDevice('big', 'ws-1')), clientId: 'big-ws-1' });
    clients.push(dev);
    // Each frame is under the WebSocket limit; only the MQTT packet they add up to is too large.
    const written = await sendOversized(dev, 1024 * 1024, 1024);
    expect(written).toBeLessThan(512 * 1024);
    expect(broker.counters.get('mqtt.refused.packet_too_large')).toBe(2);
  });

  it('still takes a packet right at the limit and valid traffic on other connections', async () => {
    const viewer = await connectMqtt(ws, {
      username: 'watcher',
      password: await broker.login('watcher', await broker.addUser('watcher', 'viewer')),
    });
    clients.push(viewer);
    const got = collect(viewer);
    await viewer.subscribeAsync('cityedge/v1/#', { qos: 1 });
    const dev = await connectMqtt(tcp, { ...(await broker.addDevice('big', 'ok-1')), clientId: 'big-ok-1' });
    clients.push(dev);
    const m = lotMessage('big', 'ok-1', Date.now(), 7);
    await dev.publishAsync(m.topic, m.payload, { qos: 1 });
    // Over maxPayloadBytes but within the packet limit: read, then dead-lettered with a reason.
    const topic = 'cityedge/v1/big/ok-1/parking/lot';
    await dev.publishAsync(topic, Buffer.alloc(LIMIT - topic.length - 4, 0x20), { qos: 1 });
    await waitFor(() => got.length >= 2, 5000, 'both delivered');
    expect(got.map((g) => g.topic)).toEqual([m.topic, 'cityedge/v1/_dlq/big/ok-1']);
    expect(JSON.parse(got[1]!.payload).code).toBe('BROKER_PAYLOAD_TOO_LARGE');
    expect(dev.connected).toBe(true);
  });
});

describe('topic levels', () => {
  it('logs and counts a publish to a topic of 101 levels instead of a silent disconnect', async () => {
    const dev = await connectMqtt(tcp, {
      ...(await broker.addDevice('deep', 'dev-1')),
      clientId: 'deep-dev-1',
    });
    clients.push(dev);
    const closed = new Promise<void>((r) => dev.stream.once('close', () => r()));
    dev.publish(`cityedge/v1/deep/dev-1/${Array.from({ length: 97 }, () => 'x').join('/')}`, '{}');
    await closed;
    expect(broker.counters.get('mqtt.refused.topic_levels')).toBe(1);
    const lines = logLines.filter((l) => l.reason === 'refused.topic_levels');
    // The log line names the client, so an operator can find the faulty device.
    expect(lines.map((l) => l.clientId)).toEqual(['deep-dev-1']);
  });

  it('logs and counts a subscription of 101 levels', async () => {
    const viewer = await connectMqtt(ws, {
      username: 'deepviewer',
      password: await broker.login('deepviewer', await broker.addUser('deepviewer', 'viewer')),
    });
    clients.push(viewer);
    const closed = new Promise<void>((r) => viewer.stream.once('close', () => r()));
    viewer.subscribe(`cityedge/v1/${Array.from({ length: 99 }, () => '+').join('/')}`);
    await closed;
    expect(broker.counters.get('mqtt.refused.topic_levels')).toBe(2);
  });
});
