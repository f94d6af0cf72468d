/**
 * Issue 16, hole 7: request bodies over the cap must be refused with 413 before they are read —
 * a declared Content-Length at once, a chunked body as soon as it passes the cap — and the API
 * must keep serving. Requests are written raw on a socket so the test controls every byte.
 */
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../testing.ts';
import { MAX_BODY_BYTES } from './http.ts';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

interface Outcome {
  status: number;
  body: string;
  /** Body bytes the client had written when the answer arrived. */
  sentBeforeAnswer: number;
}

/** Writes `head`, then `chunk()` repeatedly (up to `total` bytes) until the server answers. */
function rawRequest(head: string, total: number, chunk: () => Buffer): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let answer = '';
    let sent = 0;
    let sentAtAnswer = -1;
    const socket: Socket = createConnection(broker.httpPort, '127.0.0.1', () => {
      socket.write(head);
      const pump = () => {
        while (sentAtAnswer < 0 && sent < total && !socket.destroyed) {
          const c = chunk();
          sent += c.length;
          if (!socket.write(c)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('data', (d) => {
      if (sentAtAnswer < 0) sentAtAnswer = sent;
      answer += d.toString('latin1');
    });
    socket.on('error', () => {}); // the server closes while we may still be writing
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      if (!status) return reject(new Error(`no HTTP answer (sent ${sent} bytes)`));
      resolve({ status, body: answer.slice(answer.indexOf('\r\n\r\n') + 4), sentBeforeAnswer: sentAtAnswer });
    });
    setTimeout(() => socket.destroy(), 10_000);
  });
}

const TEN_MB = 10 * 1024 * 1024;

describe('HTTP request body limit', () => {
  it('answers a declared 10 MB body with 413 before reading it', async () => {
    const head = `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${TEN_MB}\r\n\r\n`;
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const o = await rawRequest(head, TEN_MB, () => piece);
    expect(o.status).toBe(413);
    expect(JSON.parse(o.body).error.code).toBe('API_TOO_LARGE');
    expect(o.sentBeforeAnswer).toBeLessThan(TEN_MB / 2);
  });

  it('answers a chunked body that grows past the cap with 413 as soon as it does', async () => {
    const head =
      'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const data = Buffer.alloc(64 * 1024, 0x20);
    const piece = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
    const o = await rawRequest(head, TEN_MB, () => piece);
    expect(o.status).toBe(413);
    expect(o.sentBeforeAnswer).toBeGreaterThan(MAX_BODY_BYTES);
    expect(o.sentBeforeAnswer).toBeLessThan(TEN_MB / 2);
  });

  it('refuses a large body on a non-API path too, counts every refusal and keeps serving', async () => {
    const head = `PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`;
    const o = await rawRequest(head, MAX_BODY_BYTES + 1, () => Buffer.alloc(1024));
    expect(o.status).toBe(413);
    expect(broker.counters.get('api.errors.API_TOO_LARGE')).toBe(3);
    // The real owner's login, a body under the cap, still works.
    expect(
      (await broker.api('/api/login', { body: { username: 'admin', password: 'admin-password-1' } })).status,
    ).toBe(200);
  });
});
