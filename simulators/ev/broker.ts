/** An in-process aedes broker on a free loopback port, for `sim ev --mqtt` and its test. */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { freePort } from '../../core/testing/servers.ts';

export interface LocalBroker {
  readonly url: string;
  close(): Promise<void>;
}

export async function startLocalBroker(): Promise<LocalBroker> {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
