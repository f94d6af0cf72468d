/**
 * Issue 16, hole 7: the HTTP API and MQTT over WebSocket had no TLS option and the plain TCP
 * listener could not be turned off. Real clients (node:https, mqtt.js over wss:// and mqtts://)
 * against a certificate made by openssl for this run; in TLS-only mode the plain ports must refuse.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createConnection } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTestCertificates, waitFor } from '../../testing/servers.ts';
import { parseConfig } from '../config.ts';
import { lotMessage } from '../fixtures.ts';
import { ADMIN, collect, connackCode, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let certs: Awaited<ReturnType<typeof makeTestCertificates>>;
let ca: Buffer;
const clients: MqttClient[] = [];
const brokers: TestBroker[] = [];

beforeAll(async () => {
  certs = await makeTestCertificates('localhost');
  ca = readFileSync(certs.caFile);
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const b of brokers) await b.close();
  await certs?.cleanup();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request trusting only the test CA; `declaredLength` sends a Content-Length and no body. */
function httpsRequest(
  port: number,
  path: string,
  init: { method?: string; body?: unknown; declaredLength?: number } = {},
): Promise<Answer> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        ca,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.declaredLength === undefined ? {} : { 'content-length': init.declaredLength }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves with the socket error code of a plain TCP connect (ECONNREFUSED when nothing listens). */
function tcpConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = createConnection(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

async function loginOverHttps(port: number): Promise<string> {
  const r = await httpsRequest(port, '/api/login', { body: ADMIN });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { token: string }).token;
}

/** A user over wss:// sees a device's reading published over mqtts:// (both only trust the test CA). */
async function roundTripOverTls(broker: TestBroker, device: string): Promise<void> {
  const token = await loginOverHttps(broker.httpsPort!);
  const viewer = await connectMqtt(`wss://127.0.0.1:${broker.httpsPort}/mqtt`, {
    username: ADMIN.username,
    password: token,
    ca,
  });
  clients.push(viewer);
  const got = collect(viewer);
  await viewer.subscribeAsync(`cityedge/v1/tls/${device}/#`, { qos: 1 });
  const dev = await connectMqtt(`mqtts://127.0.0.1:${broker.tlsPort}`, {
    ...(await broker.addDevice('tls', device)),
    clientId: `tls.${device}`,
    ca,
  });
  clients.push(dev);
  const m = lotMessage('tls', device, Date.now(), 3);
  await dev.publishAsync(m.topic, m.payload, { qos: 1 });
  await waitFor(() => got.length > 0, 5000, 'reading delivered over wss');
  expect(got[0]!.topic).toBe(m.topic);
}

const expectSecurityHeaders = (a: Answer) => {
  expect(a.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(a.headers['x-frame-options']).toBe('DENY');
  expect(a.headers['x-content-type-options']).toBe('nosniff');
  expect(a.headers['referrer-policy']).toBe('no-referrer');
  expect(a.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
};

describe('HTTPS and secure WebSocket beside the plain listeners', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker({
      tls: { port: 0, httpsPort: 0, certFile: certs.certFile, keyFile: certs.keyFile },
    });
    brokers.push(broker);
  });

  it('serves the API over HTTPS with HSTS and the security headers, errors included', async () => {
    const health = await httpsRequest(broker.httpsPort!, '/api/health');
    expect(health.status).toBe(200);
    expectSecurityHeaders(health);
    const missing = await httpsRequest(broker.httpsPort!, '/api/no-such-route');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    const malformed = await httpsRequest(broker.httpsPort!, '/%');
    expect(malformed.status).toBe(400);
    expectSecurityHeaders(malformed);
    const tooLarge = await httpsRequest(broker.httpsPort!, '/api/login', {
      method: 'POST',
      declaredLength: 10 * 1024 * 1024,
    });
    expect(tooLarge.status).toBe(413);
    expectSecurityHeaders(tooLarge);
  });

  it('sends no HSTS on the plain HTTP listener', async () => {
    const res = await fetch(`http://127.0.0.1:${broker.httpPort}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('carries MQTT over wss:// and mqtts://', async () => {
    await roundTripOverTls(broker, 'both-1');
  });

  it('is real TLS: a client that does not trust the certificate cannot connect', async () => {
    const code = await connackCode(`wss://127.0.0.1:${broker.httpsPort}/mqtt`, {
      username: 'nobody',
      password: 'x',
    });
    expect(code).not.toBe(0);
    await expect(
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: broker.httpsPort, path: '/api/health' }, resolve);
        req.on('error', reject);
        req.end();
      }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('TLS only', () => {
  let broker: TestBroker;
  let plainMqtt: number;
  let plainHttp: number;

  beforeAll(async () => {
    plainMqtt = await freePort();
    plainHttp = await freePort();
    broker = await startTestBroker({
      mqttPort: plainMqtt,
      httpPort: plainHttp,
      tls: { port: 0, httpsPort: 0, certFile: certs.certFile, keyFile: certs.keyFile, only: true },
    });
    brokers.push(broker);
  });

  it('opens no plain MQTT TCP and no plain HTTP/WebSocket port', async () => {
    expect(broker.mqttPort).toBe(0);
    expect(broker.httpPort).toBe(0);
    expect(await tcpConnect(plainMqtt)).toBe('ECONNREFUSED');
    expect(await tcpConnect(plainHttp)).toBe('ECONNREFUSED');
    expect(await tcpConnect(broker.tlsPort!)).toBe('connected');
    expect(await tcpConnect(broker.httpsPort!)).toBe('connected');
  });

  it('still serves devices over mqtts:// and users over HTTPS and wss://', async () => {
    await roundTripOverTls(broker, 'only-1');
    expectSecurityHeaders(await httpsRequest(broker.httpsPort!, '/api/health'));
  });

  it('refuses tls.only without an HTTPS port (there would be no API at all)', () => {
    const r = parseConfig({ tls: { certFile: 'c.pem', keyFile: 'k.pem', only: true } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/tls\.httpsPort: tls\.only needs tls\.httpsPort/);
  });
});
