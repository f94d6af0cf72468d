/**
 * Uplink integration: the agent process is SIGKILLed during a burst (aedes in-process), commands
 * (good and malformed) over TLS with username/password against Debian mosquitto.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage, filterFor, topicFor } from '../../core/contract/index.ts';
import { CityEdgeError, err, ok } from '../../core/errors.ts';
import { freePort, makeTestCertificates, startMosquitto, waitFor } from '../../testing/servers.ts';
import { openQueue } from '../queue/durable-queue.ts';
import { collect, killChild, spawnTs } from './testing/harness.ts';
import { createUplink } from './uplink.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});
const tempDir = (tag: string) => {
  const dir = mkdtempSync(join(tmpdir(), `cityedge-uplink-${tag}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const rawOf = (payload: string) => (JSON.parse(payload) as { data: { raw: number } }).data.raw;
const stateOf = (payload: string) => (JSON.parse(payload) as { data: { state: string } }).data.state;

describe('agent killed with SIGKILL during a burst (aedes in-process)', () => {
  let port = 0;
  let server: Server;
  beforeAll(async () => {
    const broker = await Aedes.createBroker();
    server = createServer((s) => broker.handle(s));
    port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanups.push(async () => {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise((r) => server.close(r));
    });
  });

  it('delivers everything that was queued after the restart, in order, with availability', async () => {
    const site = 'campus';
    const device = 'gw-crash';
    const url = `mqtt://127.0.0.1:${port}`;
    const db = join(tempDir('crash'), 'outbox.db');
    const sub = await collect(port, filterFor('sensorReading', { site, device }));
    const status = await collect(port, topicFor('status', { site, device }));
    cleanups.push(sub.close, status.close);
    const child = fileURLToPath(new URL('./testing/uplink-child.ts', import.meta.url));

    let committed = -1;
    const first = spawnTs(child, [url, db, site, device, '0', '40000'], (line) => {
      const m = /^committed (\d+)/.exec(line);
      if (m) committed = Number(m[1]);
    });
    cleanups.push(() => killChild(first));
    await waitFor(() => committed >= 8_000 && sub.messages.length > 100, 30_000, 'burst under way');
    await killChild(first, 'SIGKILL');
    const queuedAtKill = committed;
    const deliveredAtKill = new Set(sub.messages.map((m) => rawOf(m.payload))).size;
    expect(deliveredAtKill).toBeLessThan(queuedAtKill + 1); // a real backlog was left on disk

    // Last-will: the broker saw the TCP connection die without DISCONNECT [MQTT-3.1.2-8].
    await waitFor(() => status.messages.some((m) => stateOf(m.payload) === 'offline'), 10_000, 'last will');

    const second = spawnTs(child, [url, db, site, device, '0', '0']);
    cleanups.push(() => killChild(second));
    const seen = () => new Set(sub.messages.map((m) => rawOf(m.payload)));
    await waitFor(() => seen().size >= queuedAtKill + 1, 60_000, `all ${queuedAtKill + 1} queued messages`);
    const firsts: number[] = [];
    const once = new Set<number>();
    for (const m of sub.messages) {
      const raw = rawOf(m.payload);
      if (!once.has(raw)) firsts.push(raw);
      once.add(raw);
    }
    expect(firsts.slice(0, queuedAtKill + 1)).toEqual(Array.from({ length: queuedAtKill + 1 }, (_, i) => i));
    expect(status.messages.at(-1) && stateOf(status.messages.at(-1)!.payload)).toBe('online');
    const fresh = await collect(port, topicFor('status', { site, device }));
    cleanups.push(fresh.close);
    await waitFor(() => fresh.messages.length > 0, 5_000, 'retained status');
    expect(fresh.messages[0]!.retain && stateOf(fresh.messages[0]!.payload)).toBe('online');
    await killChild(second, 'SIGTERM');
    await waitFor(() => stateOf(status.messages.at(-1)!.payload) === 'offline', 5_000, 'clean offline');
  }, 120_000);
});

describe('commands over TLS with username/password (Debian mosquitto)', () => {
  const site = 'campus';
  const device = 'gw-cmd';
  let certs: Awaited<ReturnType<typeof makeTestCertificates>>;
  let tlsPort = 0;
  const uplinkOpts = () => ({
    url: `mqtts://127.0.0.1:${tlsPort}`,
    clientId: `${site}.${device}`,
    site,
    device,
    username: 'edge',
    password: 'edge-secret',
    reconnectPeriodMs: 300,
    tls: { ca: readFileSync(certs.caFile), servername: 'localhost' },
  });

  beforeAll(async () => {
    certs = await makeTestCertificates();
    cleanups.push(certs.cleanup);
    // Started as root, mosquitto drops to its own user, which must read the server key.
    chmodSync(certs.dir, 0o755);
    chmodSync(certs.keyFile, 0o644);
    const broker = await startMosquitto({
      users: { edge: 'edge-secret', ops: 'ops-secret' },
      tls: { certFile: certs.certFile, keyFile: certs.keyFile },
    });
    cleanups.push(broker.stop);
    tlsPort = broker.tlsPort!;
  });

  it('answers good and malformed commands, counts the bad ones and stays alive', async () => {
    const q = openQueue({ path: join(tempDir('cmd'), 'outbox.db') });
    if (!q.ok) throw q.error;
    const uplink = createUplink(uplinkOpts(), q.value);
    cleanups.push(async () => {
      await uplink.stop();
      q.value.close();
    });
    uplink.commands.handle('gate.open', (args) => ok({ lane: args.lane, opened: true }));
    uplink.commands.handle('gate.close', () => {
      throw new Error('relay stuck');
    });
    uplink.commands.handle('signals.flash', () =>
      err(new CityEdgeError('UPLINK_REFUSED', 'no intersection')),
    );
    uplink.start();
    await waitFor(() => uplink.stats().connected, 10_000, 'TLS connect');

    const ops = mqtt.connect(`mqtts://127.0.0.1:${tlsPort}`, {
      protocolVersion: 4,
      username: 'ops',
      password: 'ops-secret',
      ca: readFileSync(certs.caFile),
      servername: 'localhost',
    });
    cleanups.push(() => ops.endAsync(true));
    const answers: { topic: string; body: Record<string, unknown> }[] = [];
    ops.on('message', (topic, payload) => answers.push({ topic, body: JSON.parse(payload.toString()) }));
    await new Promise((r) => ops.once('connect', r));
    await ops.subscribeAsync(`cityedge/v1/${site}/${device}/cmd/+/response`, { qos: 1 });
    const send = (command: string, body: string) =>
      ops.publishAsync(`cityedge/v1/${site}/${device}/cmd/${command}`, body, { qos: 1 });

    await send('gate.open', '{not json');
    await send('selfdestruct', JSON.stringify({ transaction: 't-unknown', args: {} }));
    await send('gate.open', JSON.stringify({ transaction: 't-schema', args: { lane: 'IN!' } }));
    await send(
      'gate.close',
      JSON.stringify({ transaction: 't-throw', args: { lane: 'in', reason: 'x', by: 'op' } }),
    );
    await send(
      'signals.flash',
      JSON.stringify({ transaction: 't-refused', args: { intersection: 'x1', by: 'op', reason: 'r' } }),
    );
    await send(
      'gate.open',
      JSON.stringify({ transaction: 't-ok', args: { lane: 'in', reason: 'visitor', by: 'op' } }),
    );
    await waitFor(() => answers.length >= 6, 10_000, 'six responses');

    const byTx = Object.fromEntries(answers.map((a) => [a.body.transaction as string, a]));
    expect(byTx.unknown?.body).toMatchObject({ status: 'error', error: { code: 'CONTRACT_BAD_JSON' } });
    expect(byTx['t-unknown']?.body).toMatchObject({
      status: 'error',
      error: { code: 'CONTRACT_UNKNOWN_COMMAND' },
    });
    expect(byTx['t-unknown']?.topic).toMatch(/cmd\/selfdestruct\/response$/);
    expect(byTx['t-schema']?.body).toMatchObject({ status: 'error', error: { code: 'CONTRACT_SCHEMA' } });
    expect(JSON.stringify(byTx['t-schema']?.body.error)).toMatch(/args\.lane/);
    expect(byTx['t-throw']?.body).toMatchObject({
      status: 'error',
      error: { code: 'UPLINK_HANDLER_THREW', message: 'relay stuck' },
    });
    expect(byTx['t-refused']?.body).toMatchObject({ status: 'error', error: { code: 'UPLINK_REFUSED' } });
    expect(byTx['t-ok']?.body).toEqual({
      status: 'ok',
      data: { lane: 'in', opened: true },
      transaction: 't-ok',
    });
    expect(uplink.commands.stats()).toMatchObject({ received: 6, ok: 1, rejected: 3, failed: 2 });
    expect(uplink.commands.stats().byCode).toMatchObject({ CONTRACT_BAD_JSON: 1, CONTRACT_SCHEMA: 1 });

    // Still alive and still delivering.
    const readings: string[] = [];
    ops.on('message', (topic, payload) => {
      if (topic.includes('/sensor/')) readings.push(payload.toString());
    });
    await ops.subscribeAsync(filterFor('sensorReading', { site, device }), { qos: 1 });
    const reading = buildMessage(
      'sensorReading',
      { site, device, sensor: 'b7' },
      { sensor: 'b7', kind: 'occupancy', occupied: true },
      { ts: Date.now() },
    );
    await uplink.send(reading);
    await waitFor(() => readings.length === 1, 5_000, 'reading after bad commands');
    expect(JSON.parse(readings[0]!)).toMatchObject({
      id: reading.id,
      data: { sensor: 'b7', occupied: true },
    });
  });

  it('reports a refused password as an error value, without crashing', async () => {
    const q = openQueue({ path: join(tempDir('auth'), 'outbox.db') });
    if (!q.ok) throw q.error;
    const uplink = createUplink({ ...uplinkOpts(), clientId: 'campus.intruder', password: 'wrong' }, q.value);
    cleanups.push(async () => {
      await uplink.stop();
      q.value.close();
    });
    uplink.start();
    await waitFor(() => uplink.stats().lastError !== null, 10_000, 'auth error');
    expect(uplink.stats().lastError).toMatch(/not authorized|bad user name or password/i);
    expect(uplink.stats().connected).toBe(false);
  });
});
