/**
 * A tiny IP-camera stand-in: `GET /snapshot.jpg` returns the current frame, as most IP
 * cameras do. Listens on port 0 (a free loopback port) unless told otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SnapshotServer {
  /** e.g. http://127.0.0.1:41234/snapshot.jpg */
  url: string;
  port: number;
  /** Replaces the frame served from now on (JPEG bytes). */
  setFrame(jpeg: Buffer): void;
  /** Snapshots served so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function startSnapshotServer(
  o: { frame?: Buffer; port?: number; host?: string } = {},
): Promise<SnapshotServer> {
  let frame = o.frame ?? null;
  let served = 0;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/snapshot.jpg') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!frame) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no frame yet\n');
      return;
    }
    served++;
    res.writeHead(200, {
      'content-type': 'image/jpeg',
      'content-length': frame.length,
      'cache-control': 'no-store',
    });
    res.end(frame);
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/snapshot.jpg`,
    port,
    setFrame: (jpeg) => {
      frame = jpeg;
    },
    requests: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
