/** An in-process aedes broker on a free loopback port: simulators and tests given no MQTT URL. */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

export interface LocalBroker {
  url: string;
  close(): Promise<void>;
}

export async function startLocalBroker(host = '127.0.0.1'): Promise<LocalBroker> {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `mqtt://${host}:${port}`,
    async close() {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
