/**
 * Unauthenticated HTTP garbage against the real broker while a device publishes valid lot
 * messages (issue 16, hole 1: one `GET /%` ended the whole broker). Each request is written raw
 * on a socket so nothing normalises it: malformed %-escapes and overlong UTF-8 in the path,
 * broken request lines and headers, an oversized header block, a body far past the limit,
 * non-JSON bodies, random bytes. Refused = a 4xx answer or the connection closed without a 5xx;
 * breached = a 5xx, or the broker no longer serving HTTP or MQTT afterwards.
 */
import { createConnection } from 'node:net';
import type { MqttClient } from 'mqtt';
import { ADMIN, collect, connectMqtt, startTestBroker } from '../../broker/testing.ts';
import { mulberry32 } from '../../core/random.ts';
import { waitFor } from '../../testing/servers.ts';
import { countFlow, flowStalls, startValidFlow } from '../lib/valid-flow.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res';
const DEVICE = 'lot-1';

/** Writes `bytes` on a fresh socket; resolves with the status code answered, 0 when closed without one. */
function raw(port: number, bytes: Buffer | string): Promise<number> {
  return new Promise((resolve) => {
    let head = '';
    const socket = createConnection(port, '127.0.0.1', () => socket.end(bytes));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (d) => {
      head += d.toString('latin1');
    });
    socket.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)));
    socket.on('error', () => {}); // a reset is the server refusing: 'close' follows
  });
}

const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
const post = (target: string, body: string, extra = '') =>
  `POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;

/** The attack kinds, each a function of a seeded random source (a failing run can be replayed). */
function attacks(rnd: () => number): Record<string, () => Buffer | string> {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  return {
    'bad-escape': () => get(pick(['/%', '/%E0%A4%A', '/api/devices/%', '/api/sites/%zz/lots', '/%%%'])),
    traversal: () =>
      get(pick(['/..%c0%af..', '/../../etc/passwd', '/%2e%2e/%2e%2e/broker.db', '/static/..%5c..'])),
    'bad-request-line': () =>
      pick(['GET\r\n\r\n', 'BREW /pot HTTP/1.1\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', '\r\n\r\n']),
    'bad-header': () =>
      `GET /api/health HTTP/1.1\r\nHost: localhost\r\nX: a\rb\r\nContent-Length: -1\r\n\r\n`,
    'huge-header': () =>
      `GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Fill: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    'huge-body': () => post('/api/login', 'x'.repeat(2 * 1024 * 1024)),
    'bad-json': () =>
      post('/api/login', pick(['{"username":', '[]', 'null', '{"username":{"$ne":1}}', '\u0000'])),
    'bad-token': () =>
      `GET /api/devices HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${pick(['x.y.z', 'e30.e30.', '%', 'a'.repeat(9000)])}\r\nConnection: close\r\n\r\n`,
    'random-bytes': () =>
      Buffer.from(Array.from({ length: 64 + Math.floor(rnd() * 512) }, () => Math.floor(rnd() * 256))),
  };
}

export const scenario: Scenario = {
  name: 'http-garbage',
  what: 'malformed, oversized and hostile unauthenticated HTTP requests (raw sockets) against the broker while a device publishes valid traffic',
  ci: true,
  async run(ctx) {
    const rounds = ctx.quick ? 5 : 100;
    const broker = await startTestBroker();
    const clients: MqttClient[] = [];
    try {
      const tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const watcher = await connectMqtt(tcp, {
        username: 'admin',
        password: await broker.login(ADMIN.username, ADMIN.password),
      });
      clients.push(watcher);
      const seen = collect(watcher);
      await watcher.subscribeAsync(`cityedge/v1/${SITE}/${DEVICE}/#`, { qos: 1 });
      const dev = await connectMqtt(tcp, {
        ...(await broker.addDevice(SITE, DEVICE)),
        clientId: `${SITE}.${DEVICE}`,
      });
      clients.push(dev);
      const flow = startValidFlow(dev, SITE, DEVICE, 20);

      const kinds = attacks(mulberry32(16));
      const statuses: Record<string, number> = {};
      let refused = 0;
      let breached = 0;
      for (let r = 0; r < rounds; r++) {
        for (const [kind, make] of Object.entries(kinds)) {
          const status = await raw(broker.httpPort, make());
          statuses[`${kind} ${status || 'closed'}`] = (statuses[`${kind} ${status || 'closed'}`] ?? 0) + 1;
          // 2xx to garbage is not possible here: every kind above is malformed or unauthenticated.
          if (status === 0 || (status >= 400 && status < 500)) refused++;
          else breached++;
        }
      }
      ctx.log(`attacks done: ${refused + breached}`);
      flow.markAfter();
      await new Promise((r) => setTimeout(r, 500));
      await flow.stop();
      // Still serving: the API answers and a new MQTT client gets in.
      const health = await fetch(`http://127.0.0.1:${broker.httpPort}/api/health`).then((res) => res.status);
      const probe = await connectMqtt(tcp, await broker.addDevice(SITE, 'probe'));
      clients.push(probe);
      const serving = health === 200 && probe.connected;
      const topic = `cityedge/v1/${SITE}/${DEVICE}/parking/lot`;
      await waitFor(
        () => countFlow(flow, seen, topic).stored >= flow.acked.size,
        10_000,
        'valid traffic',
      ).catch(() => {});
      const c = countFlow(flow, seen, topic);
      return {
        sent: c.sent,
        acknowledged: c.acknowledged,
        stored: c.stored,
        lost: c.lost,
        duplicated: c.duplicated,
        refused,
        breached: breached + (serving ? 0 : 1),
        stalls: flowStalls(c),
        notes: [
          `${refused + breached} requests in ${rounds} rounds; answers: ${Object.entries(statuses)
            .map(([k, n]) => `${k}×${n}`)
            .join(', ')}`,
          `after the attacks: /api/health ${health}, new MQTT client connected ${probe.connected}; api.errors counted ${Object.entries(
            broker.counters.snapshot(),
          )
            .filter(([k]) => k.startsWith('api.'))
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
          `valid stored ${c.stored}/${c.sent} (after the attacks ${c.storedAfter}/${c.sentAfter})`,
        ],
      };
    } finally {
      for (const cl of clients) cl.end(true);
      await broker.close();
    }
  },
};
