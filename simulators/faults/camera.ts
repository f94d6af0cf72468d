/**
 * Camera timeouts over real HTTP: a proxy in front of an IP-camera snapshot endpoint that, for a
 * chosen share of requests, accepts the connection and never answers (what a hung camera does).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Rng } from '../camera/index.ts';

export interface FlakyCamera {
  url: string;
  /** Requests left hanging so far. */
  hung(): number;
  forwarded(): number;
  /** Force the next `n` requests to hang regardless of the rate. */
  hangNext(n: number): void;
  setRate(rate: number): void;
  close(): Promise<void>;
}

export async function startFlakyCamera(
  targetUrl: string,
  o: { timeoutRate: number; rng: Rng },
): Promise<FlakyCamera> {
  let rate = o.timeoutRate;
  let forced = 0;
  let hung = 0;
  let forwarded = 0;
  const held = new Set<ServerResponse>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (forced > 0 || o.rng.chance(rate)) {
      if (forced > 0) forced--;
      hung++;
      held.add(res); // answered only when the proxy closes
      return;
    }
    forwarded++;
    try {
      const upstream = await fetch(
        targetUrl + (req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''),
      );
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      });
      res.end(body);
    } catch {
      res.writeHead(502).end();
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/snapshot.jpg`,
    hung: () => hung,
    forwarded: () => forwarded,
    hangNext: (n) => {
      forced += n;
    },
    setRate: (r) => {
      rate = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
