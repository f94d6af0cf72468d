/**
 * Issue 16, hole 1: one unauthenticated request with a malformed %-escape (`GET /%`, sent as-is)
 * threw an uncaught URIError and ended the whole broker. Each request below is written raw on a
 * socket (fetch would normalise the path), then the broker must still serve MQTT and the API.
 */
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

/** Sends one HTTP/1.1 request line exactly as given and resolves with the status code. */
function rawGet(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let head = '';
    socket.on('data', (d) => {
      head += d.toString('latin1');
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('malformed request paths', () => {
  const attacks = ['/%', '/..%c0%af..', '/%E0%A4%A', '/api/devices/%', '/api/sites/%zz/lots'];

  it.each(attacks)('answers %s with a 4xx and keeps serving', async (target) => {
    const status = await rawGet(broker.httpPort, target);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    const health = await fetch(`http://127.0.0.1:${broker.httpPort}/api/health`);
    expect(health.status).toBeLessThan(500);
  });

  it('still accepts MQTT clients after every attack', async () => {
    for (const target of attacks) await rawGet(broker.httpPort, target);
    const client = await connectMqtt(
      `mqtt://127.0.0.1:${broker.mqttPort}`,
      await broker.addDevice('campus', 'probe'),
    );
    expect(client.connected).toBe(true);
    client.end(true);
    expect(broker.counters.get('api.errors.API_BAD_INPUT')).toBeGreaterThanOrEqual(attacks.length);
  });
});

describe('security headers', () => {
  it.each(['/api/health', '/', '/api/no-such-route'])('are on the answer to %s', async (path) => {
    const res = await fetch(`http://127.0.0.1:${broker.httpPort}${path}`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Plain HTTP: HSTS is only meaningful (and only sent) over TLS.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('are on error answers too: 400 malformed path, 413 body too large', async () => {
    const bad = await fetch(`http://127.0.0.1:${broker.httpPort}/%zz`); // the static files decode the path
    const big = await fetch(`http://127.0.0.1:${broker.httpPort}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect([bad.status, big.status]).toEqual([400, 413]);
    for (const res of [bad, big]) {
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});
