/**
 * Interop with Debian's mosquitto clients against our broker (TCP and TLS, QoS 0/1/2, retained,
 * refusals), and our MQTT 3.1.1 device client against a real mosquitto broker.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTestCertificates,
  requireBinary,
  type RunningServer,
  startMosquitto,
} from '../../testing/servers.ts';
import { lotMessage, sensorMessage } from '../fixtures.ts';
import { collect, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;
let certs: Awaited<ReturnType<typeof makeTestCertificates>>;
let gw: { username: string; password: string };
let viewerToken: string;

function run(
  bin: string,
  args: string[],
  timeoutMs = 10_000,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(requireBinary(bin, 'mosquitto-clients'), args);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
  return done;
}

const tcp = () => ['-h', '127.0.0.1', '-p', String(broker.mqttPort), '-V', 'mqttv311'];
const tls = () => [
  '-h',
  '127.0.0.1',
  '-p',
  String(broker.tlsPort),
  '-V',
  'mqttv311',
  '--cafile',
  certs.caFile,
];
const devAuth = () => ['-u', gw.username, '-P', gw.password];

beforeAll(async () => {
  certs = await makeTestCertificates('localhost');
  broker = await startTestBroker({
    tls: { port: 0, certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
  });
  gw = await broker.addDevice('campus', 'gw-1');
  viewerToken = await broker.login('vi', await broker.addUser('vi', 'viewer'));
});

afterAll(async () => {
  await broker?.close();
  await certs?.cleanup();
});

describe('mosquitto clients → our broker', () => {
  for (const qos of [0, 1, 2]) {
    it(`mosquitto_pub QoS ${qos} over TCP reaches mosquitto_sub over TLS`, async () => {
      const m = sensorMessage('campus', 'gw-1', Date.now(), qos);
      const sub = run('mosquitto_sub', [
        ...tls(),
        '-u',
        'vi',
        '-P',
        viewerToken,
        '-q',
        String(qos),
        '-t',
        m.topic,
        '-C',
        '1',
        '-W',
        '8',
      ]);
      // mosquitto_sub's stdout is block-buffered in a pipe, so there is no "subscribed" signal to
      // wait for: publish until it has received one message (-C 1) and exited.
      let exited = false;
      void sub.then(() => (exited = true));
      let pub = { code: null as number | null };
      for (let tries = 0; !exited && tries < 20; tries++) {
        pub = await run('mosquitto_pub', [
          ...tcp(),
          ...devAuth(),
          '-q',
          String(qos),
          '-t',
          m.topic,
          '-m',
          m.payload,
        ]);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(pub.code).toBe(0);
      const got = await sub;
      expect(got.out.split('\n'), got.out + got.err).toContain(m.payload);
    });
  }

  it('keeps a retained message for a late mosquitto_sub; a TLS client certificate authenticates', async () => {
    const m = lotMessage('campus', 'gw-1', Date.now(), 12);
    const pub = await run('mosquitto_pub', [
      ...tls(),
      '--cert',
      certs.clientCertFile,
      '--key',
      certs.clientKeyFile,
      '-q',
      '1',
      '-r',
      '-t',
      m.topic,
      '-m',
      m.payload,
    ]);
    expect(pub.code).toBe(0);
    const sub = await run('mosquitto_sub', [
      ...tcp(),
      '-u',
      'vi',
      '-P',
      viewerToken,
      '-t',
      m.topic,
      '-C',
      '1',
      '-W',
      '5',
      '-v',
    ]);
    expect(sub.out.trim()).toBe(`${m.topic} ${m.payload}`);
  });

  it('refuses unauthenticated and wrongly authorised mosquitto clients', async () => {
    const m = lotMessage('campus', 'gw-2', Date.now(), 1);
    const anon = await run('mosquitto_pub', [...tcp(), '-q', '1', '-t', m.topic, '-m', m.payload]);
    expect(anon.code).not.toBe(0);
    expect(anon.err).toMatch(/not authori[sz]ed/i);
    const bad = await run('mosquitto_pub', [
      ...tcp(),
      '-u',
      gw.username,
      '-P',
      'wrong',
      '-t',
      m.topic,
      '-m',
      '{}',
    ]);
    expect(bad.err).toMatch(/bad user name or password|not authori[sz]ed/i);
    const before = broker.counters.get('mqtt.denied.publish');
    const watcher = await connectMqtt(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      username: 'vi',
      password: viewerToken,
    });
    const seen = collect(watcher);
    await watcher.subscribeAsync('cityedge/v1/campus/gw-2/#', { qos: 1 });
    await run('mosquitto_pub', [...tcp(), ...devAuth(), '-q', '1', '-t', m.topic, '-m', m.payload]);
    const sub = await run('mosquitto_sub', [
      ...tcp(),
      ...devAuth(),
      '-t',
      'cityedge/v1/#',
      '-C',
      '1',
      '-W',
      '2',
    ]);
    expect(sub.err + sub.out).toMatch(/denied|fail|refused|128|timed out/i);
    expect(broker.counters.get('mqtt.denied.publish')).toBe(before + 1);
    expect(broker.counters.get('mqtt.denied.subscribe')).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual([]);
    watcher.end(true);
  });
});

describe('our MQTT 3.1.1 client → Debian mosquitto', () => {
  let mosquitto: RunningServer;
  beforeAll(async () => {
    mosquitto = await startMosquitto({ users: { 'campus.gw-1': 'pw', watcher: 'pw2' } });
  });
  afterAll(() => mosquitto?.stop());

  it('publishes contract messages with QoS 1 and retain, unchanged', async () => {
    const url = `mqtt://127.0.0.1:${mosquitto.port}`;
    const watcher = await connectMqtt(url, { username: 'watcher', password: 'pw2' });
    const seen = collect(watcher);
    await watcher.subscribeAsync('cityedge/v1/#', { qos: 1 });
    const dev = await connectMqtt(url, { username: 'campus.gw-1', password: 'pw' });
    const m = lotMessage('campus', 'gw-1', Date.now(), 3);
    await dev.publishAsync(m.topic, m.payload, { qos: 1, retain: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((s) => s.payload)).toEqual([m.payload]);
    dev.end(true);
    watcher.end(true);
    expect(
      await connectMqtt(url, { username: 'campus.gw-1', password: 'nope' }).catch(
        (e: { code?: number }) => e.code,
      ),
    ).toBe(5);
  });
});
