/**
 * Issue 16, hole 7: oversized payloads (1–100 MB) were read whole, acknowledged and only then
 * dead-lettered (broker RSS 173 → 388 MB). Against the broker as its own process (so its RSS is
 * its own) with real InfluxDB, a device announces 1 MB and 10 MB MQTT packets over TCP and over
 * WebSocket (small frames, and one big frame), and HTTP requests carry 10 MB bodies (declared and
 * chunked), several at once, while another device's valid traffic is ingested. Each must be
 * refused before its body is read: the header goes first and the body only if the broker has not
 * closed within a second. Broker RSS must stay bounded, and valid traffic stored during and after.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import type { MqttClient } from 'mqtt';
import { procSample } from '../../bench/proc.ts';
import { eventMessage } from '../../broker/fixtures.ts';
import { type BrokerProcess, spawnBroker } from '../../broker/process.ts';
import { connectMqtt } from '../../broker/testing.ts';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { sleep } from '../lib/storage.ts';
import type { Scenario } from '../scenario.ts';
import { remainingLength } from '../../testing/mqtt-bytes.ts';

const SITE = 'res';
const ADMIN = { username: 'admin', password: 'admin-password-1' };
const MB = 1024 * 1024;
/** How long the broker gets to refuse on the header alone before the body is sent anyway. */
const HEADER_GRACE_MS = 1000;
/**
 * RSS growth above which the broker evidently buffered what it should have refused. A broker that
 * reads the bodies holds a round's payloads at once (42 MB quick, 452 MB full); a refusing one
 * grows by allocator noise from a hundred short connections (10–36 MiB measured here, load 11).
 */
const RSS_BOUND_MIB = 64;
const PIECE = Buffer.alloc(64 * 1024, 0x61);

type Transport = 'tcp' | 'ws-frames' | 'ws-frame' | 'http-declared' | 'http-chunked';
interface Attack {
  transport: Transport;
  bytes: number;
}
interface Outcome extends Attack {
  refused: boolean;
  /** Body bytes written before the broker closed or answered. */
  written: number;
}

/** A QoS 0 PUBLISH fixed header + topic announcing `bytes` of remaining length. */
function publishHead(topic: string, bytes: number): Buffer {
  const t = Buffer.from(topic);
  return Buffer.concat([
    Buffer.from([0x30]),
    remainingLength(bytes),
    Buffer.from([t.length >> 8, t.length & 255]),
    t,
  ]);
}

/**
 * Writes `head`, waits up to HEADER_GRACE_MS for the peer to give up (`done()`), then the body in
 * PIECE writes until `done()` or `bytes`. Refused = done before any body byte was needed.
 */
async function headFirst(
  write: (b: Buffer) => boolean,
  head: Buffer,
  bytes: number,
  done: () => boolean,
  piece = PIECE,
): Promise<{ refused: boolean; written: number }> {
  write(head);
  await waitFor(done, HEADER_GRACE_MS, 'refused on the header').catch(() => {});
  if (done()) return { refused: true, written: 0 };
  let written = 0;
  while (!done() && written < bytes) {
    const more = write(piece);
    written += piece.length;
    await (more ? new Promise((r) => setImmediate(r)) : sleep(2));
  }
  await waitFor(done, 3000, 'closed after the body').catch(() => {});
  return { refused: false, written };
}

async function mqttAttack(url: string, creds: Creds, n: number, a: Attack): Promise<Outcome> {
  const c = await connectMqtt(url, { ...creds, clientId: `${creds.username}.${n}` });
  const stream = c.stream;
  let closed = false;
  stream.once('close', () => {
    closed = true;
  });
  stream.on('error', () => {});
  const topic = `cityedge/v1/${creds.username.replace('.', '/')}/parking/lot`;
  const head = publishHead(topic, a.bytes);
  try {
    if (a.transport === 'ws-frame') {
      // One WebSocket frame holding the whole packet: its frame header alone announces the size.
      const payload = a.bytes - 2 - Buffer.byteLength(topic); // remaining length = topic + payload
      stream.write(Buffer.concat([head, Buffer.alloc(payload, 0x61)]));
      await waitFor(() => closed, 3000, 'closed').catch(() => {});
      return { ...a, refused: closed, written: a.bytes };
    }
    // WebSocket in 1 kB frames: each frame is small, only the MQTT packet is too large.
    const piece = a.transport === 'ws-frames' ? PIECE.subarray(0, 1024) : PIECE;
    const r = await headFirst(
      (b) => stream.write(b),
      head,
      a.bytes,
      () => closed,
      piece,
    );
    return { ...a, ...r };
  } finally {
    c.end(true);
  }
}

/** A POST /api/login with a body of `bytes`, declared by Content-Length or chunked. */
function httpAttack(port: number, a: Attack): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = createConnection(port, '127.0.0.1');
    let answer = '';
    let ended = false;
    s.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    s.on('error', () => {});
    s.on('close', () => {
      ended = true;
    });
    const chunked = a.transport === 'http-chunked';
    const head = `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${a.bytes}`}\r\n\r\n`;
    const frame = chunked
      ? Buffer.concat([Buffer.from(`${PIECE.length.toString(16)}\r\n`), PIECE, Buffer.from('\r\n')])
      : PIECE;
    const done = () => ended || /^HTTP\/1\.1 \d{3}/.test(answer);
    s.once('connect', async () => {
      const r = chunked
        ? await streamChunked((b) => s.write(b), Buffer.from(head), frame, a.bytes, done)
        : await headFirst((b) => s.write(b), Buffer.from(head), a.bytes, done, frame);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      s.destroy();
      // A close while the client still writes can reset the socket before the 413 is read: the
      // body was refused either way, as long as no other answer came.
      resolve({
        ...a,
        refused: r.refused && (status === 413 || (status === 0 && ended)),
        written: r.written,
      });
    });
  });
}

/**
 * A chunked body has no size to refuse on: the broker reads up to its 1 MB cap, then answers.
 * Refused = answered before the whole body was sent.
 */
async function streamChunked(
  write: (b: Buffer) => boolean,
  head: Buffer,
  frame: Buffer,
  bytes: number,
  done: () => boolean,
): Promise<{ refused: boolean; written: number }> {
  write(head);
  let written = 0;
  while (!done() && written < bytes) {
    const more = write(frame);
    written += PIECE.length;
    await (more ? new Promise((r) => setImmediate(r)) : sleep(2));
  }
  await waitFor(done, 3000, 'answered').catch(() => {});
  return { refused: written < bytes, written };
}

type Creds = { username: string; password: string };

async function api(port: number, path: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function addDevice(port: number, token: string, device: string): Promise<Creds> {
  const password = `pw-${device}-secret`;
  await api(port, '/api/devices', { site: SITE, device, kind: 'parking', password }, token);
  return { username: `${SITE}.${device}`, password };
}

/** MQTT packets over the 257 kB packet limit; HTTP bodies over the API's 1 MB body cap. */
function attacksFor(quick: boolean): Attack[] {
  const big = quick ? [10 * MB] : [10 * MB, 100 * MB];
  return [
    ...[1 * MB, ...big].flatMap((bytes) => [
      { transport: 'tcp' as const, bytes },
      { transport: 'ws-frames' as const, bytes },
    ]),
    ...big.flatMap((bytes) => [
      { transport: 'http-declared' as const, bytes },
      { transport: 'http-chunked' as const, bytes },
    ]),
    { transport: 'ws-frame', bytes: 10 * MB },
  ];
}

export const scenario: Scenario = {
  name: 'oversized-payloads',
  what: 'MQTT packets of 1 and 10 MB (100 MB in the full run) over TCP and WebSocket and HTTP bodies of the same sizes, several at once, against the broker process while valid traffic is ingested',
  ci: true,
  async run(ctx) {
    const rounds = ctx.quick ? 2 : 10;
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-oversized-'));
    let influxd: RunningServer | undefined;
    let broker: BrokerProcess | undefined;
    const clients: MqttClient[] = [];
    try {
      influxd = await startInfluxd({ port: await freePort() });
      await mkdir(join(dir, 'broker'));
      broker = await spawnBroker({
        mqttPort: await freePort(),
        httpPort: await freePort(),
        dataDir: join(dir, 'broker'),
        admin: ADMIN,
        influx: { url: `http://127.0.0.1:${influxd.port}`, flushMs: 200 },
      });
      const pid = broker.child.pid!;
      const http = broker.httpPort;
      const tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const ws = `ws://127.0.0.1:${http}/mqtt`;
      const token = ((await api(http, '/api/login', ADMIN)) as { token: string }).token;
      const good = await connectMqtt(tcp, {
        ...(await addDevice(http, token, 'ok-1')),
        clientId: `${SITE}.ok-1`,
      });
      clients.push(good);
      const big = await addDevice(http, token, 'big-1');
      // One login first: its scrypt (16 MiB per hash) is then cached and not counted as payload RSS.
      (await connectMqtt(tcp, { ...big, clientId: `${big.username}.warm` })).end(true);
      ctx.log('broker process, InfluxDB and devices up');

      // Valid traffic throughout: one entry event every 20 ms, stored counted in InfluxDB.
      const ids: string[] = [];
      const acked = new Set<string>();
      let flowing = true;
      let afterFrom = Number.POSITIVE_INFINITY;
      const flow = (async () => {
        for (let i = 0; flowing; i++) {
          const m = eventMessage(SITE, 'ok-1', Date.now(), 'entry', `AB${1000 + (i % 9000)}`);
          ids.push(m.id);
          good
            .publishAsync(m.topic, m.payload, { qos: 1 })
            .then(() => acked.add(m.id))
            .catch(() => {});
          await sleep(20);
        }
      })();
      await sleep(500);
      const rss: number[] = [];
      const baseline = procSample(pid).rssMiB;
      const sampler = setInterval(() => rss.push(procSample(pid).rssMiB), 50);

      const outcomes: Outcome[] = [];
      let n = 0;
      for (let r = 0; r < rounds; r++) {
        // Every attack of a round at once: a broker that buffers them would add their sizes up.
        const round = attacksFor(ctx.quick).map((a) =>
          a.transport.startsWith('http')
            ? httpAttack(http, a)
            : mqttAttack(a.transport === 'tcp' ? tcp : ws, big, n++, a),
        );
        outcomes.push(...(await Promise.all(round)));
      }
      clearInterval(sampler);
      const peak = Math.max(baseline, ...rss);
      ctx.log(`attacks done: ${outcomes.length}`);
      afterFrom = ids.length;
      await sleep(1000);
      flowing = false;
      await flow;

      const influx = new InfluxDB({ host: '127.0.0.1', port: influxd.port, database: 'cityedge' });
      const rows = () =>
        influx.query<{ msgId: string }>(`SELECT "msgId" FROM "raw"."parking_event" WHERE "lot" = 'ok-1'`);
      await waitFor(async () => (await rows()).length >= acked.size, 10_000, 'valid traffic stored').catch(
        () => {},
      );
      const seen = new Map<string, number>();
      for (const row of await rows()) seen.set(row.msgId, (seen.get(row.msgId) ?? 0) + 1);
      const stored = ids.filter((id) => seen.has(id));
      const storedAfter = ids.slice(afterFrom).filter((id) => seen.has(id)).length;
      const storedDuring = stored.length - storedAfter;
      const counters = (
        (await api(http, '/api/metrics', undefined, token)) as { counters: Record<string, number> }
      ).counters;
      const notRefused = outcomes.filter((o) => !o.refused);
      const offered = outcomes.reduce((sum, o) => sum + o.bytes, 0);
      const rssBreached = peak - baseline > RSS_BOUND_MIB;
      return {
        sent: ids.length,
        acknowledged: acked.size,
        stored: stored.length,
        lost: [...acked].filter((id) => !seen.has(id)).length,
        duplicated: [...seen.values()].reduce((s, k) => s + k - 1, 0),
        refused: outcomes.length - notRefused.length,
        breached: notRefused.length + (rssBreached ? 1 : 0),
        stalls: [
          ...(storedDuring === 0 ? ['no valid message stored during the attacks'] : []),
          ...(storedAfter === 0 ? ['no valid message stored after the attacks'] : []),
          ...(good.connected ? [] : ['the valid device was disconnected']),
        ],
        notes: [
          `${outcomes.length} oversized attempts in ${rounds} rounds (${summary(outcomes)})`,
          `not refused before the body: ${notRefused.length ? notRefused.map((o) => `${o.transport} ${o.bytes / MB} MB (${Math.round(o.written / 1024)} kB sent)`).join(', ') : 'none'}`,
          `broker RSS ${baseline.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB during (+${(peak - baseline).toFixed(0)}, bound +${RSS_BOUND_MIB}) with ${Math.round(offered / MB)} MB offered`,
          `valid stored ${stored.length}/${ids.length} (during ${storedDuring}, after ${storedAfter}/${ids.length - afterFrom})`,
          `broker counters: mqtt.refused.packet_too_large ${counters['mqtt.refused.packet_too_large'] ?? 0}, api.errors.API_TOO_LARGE ${counters['api.errors.API_TOO_LARGE'] ?? 0}`,
        ],
      };
    } finally {
      for (const c of clients) c.end(true);
      await broker?.stop();
      await influxd?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function summary(outcomes: Outcome[]): string {
  const by = new Map<string, number>();
  for (const o of outcomes)
    by.set(`${o.transport} ${o.bytes / MB} MB`, (by.get(`${o.transport} ${o.bytes / MB} MB`) ?? 0) + 1);
  return [...by].map(([k, v]) => `${k} ×${v}`).join(', ');
}
