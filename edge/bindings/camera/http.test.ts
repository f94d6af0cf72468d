import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpCamera } from './http.ts';
import { fakeJpeg } from './memory.ts';
import { monitorCamera } from './status.ts';

const JPEG = fakeJpeg('frame-from-http');
const AUTH = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;

function route(req: IncomingMessage, res: ServerResponse): void {
  switch (req.url) {
    case '/snap.jpg':
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG);
      return;
    case '/auth.jpg':
      if (req.headers.authorization !== AUTH) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG);
      return;
    case '/html':
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html>login</html>');
      return;
    case '/truncated.jpg':
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG.subarray(0, JPEG.length - 3));
      return;
    case '/hang-body.jpg':
      // Headers arrive, the body never completes: the timeout must also cover the body.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(JPEG.subarray(0, 4));
      return;
    case '/hang':
      return; // never answers
    default:
      res.writeHead(404).end('not found');
  }
}

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// Generous timeout so a loaded CI machine does not fail the happy paths; timeout tests use SHORT.
const SHORT = 300;
const cam = (path: string, extra: Partial<ConstructorParameters<typeof HttpCamera>[0]> = {}) =>
  new HttpCamera({ name: 'gate-cam', url: `${base}${path}`, timeoutMs: 10_000, ...extra });

describe('HttpCamera', () => {
  it('returns the JPEG body', async () => {
    expect(await cam('/snap.jpg').snapshot()).toEqual(JPEG);
  });

  it('sends basic auth when configured; without it the 401 is CAMERA_HTTP_STATUS', async () => {
    expect(await cam('/auth.jpg', { username: 'admin', password: 's3cret' }).snapshot()).toEqual(JPEG);
    await expect(cam('/auth.jpg').snapshot()).rejects.toMatchObject({
      code: 'CAMERA_HTTP_STATUS',
      details: { status: 401 },
    });
  });

  it('maps 404 to CAMERA_HTTP_STATUS', async () => {
    await expect(cam('/missing').snapshot()).rejects.toMatchObject({
      code: 'CAMERA_HTTP_STATUS',
      details: { status: 404 },
    });
  });

  it('rejects a non-JPEG or truncated body as CAMERA_NOT_JPEG, whatever the Content-Type', async () => {
    await expect(cam('/html').snapshot()).rejects.toMatchObject({ code: 'CAMERA_NOT_JPEG' });
    await expect(cam('/truncated.jpg').snapshot()).rejects.toMatchObject({ code: 'CAMERA_NOT_JPEG' });
  });

  it('times out on a silent server and on a stalled body', async () => {
    const t0 = Date.now();
    await expect(cam('/hang', { timeoutMs: SHORT }).snapshot()).rejects.toMatchObject({
      code: 'CAMERA_TIMEOUT',
    });
    const stalled = cam('/hang-body.jpg', { timeoutMs: SHORT }).snapshot();
    await expect(stalled).rejects.toMatchObject({ code: 'CAMERA_TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('maps a refused connection to CAMERA_NETWORK', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const c = new HttpCamera({ name: 'gone', url: `http://127.0.0.1:${port}/snap.jpg`, timeoutMs: 10_000 });
    await expect(c.snapshot()).rejects.toMatchObject({ code: 'CAMERA_NETWORK' });
  });

  it('monitorCamera tracks health: unknown → ok → timeout → error', async () => {
    const good = monitorCamera(cam('/snap.jpg'));
    expect(good.health()).toBe('unknown');
    await good.snapshot();
    expect(good.health()).toBe('ok');
    const slow = monitorCamera(cam('/hang', { timeoutMs: SHORT }));
    await slow.snapshot().catch(() => {});
    expect(slow.health()).toBe('timeout');
    const broken = monitorCamera(cam('/missing'));
    await broken.snapshot().catch(() => {});
    expect(broken.health()).toBe('error');
    expect(broken.status()).toMatchObject({ failures: 1, lastErrorCode: 'CAMERA_HTTP_STATUS' });
  });
});
