/** The same contract as bus.mock.test.ts, on a real virtual serial line (socat pty pair). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { type PtyPair, socatPair } from '../../../testing/servers.ts';
import { describeSerialBusContract, waitUntil } from './bus.contract.ts';
import { serialPortLinkFactory } from './link.ts';

const BAUD = 115200;

async function openPeer(path: string, sink: Buffer[]): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('data', (d: Buffer) => sink.push(d));
  port.on('error', () => {}); // the peer vanishes with socat on unplug
  return port;
}

async function closePeer(port: SerialPort | null): Promise<void> {
  if (!port?.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

describeSerialBusContract('socat pty', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-bus-'));
  const devicePath = join(dir, 'ttyAgent');
  const peerPath = join(dir, 'ttyGateway');
  const received: Buffer[] = [];
  let pair: PtyPair | null = await socatPair({ dir, devicePath, peerPath });
  let peer: SerialPort | null = await openPeer(peerPath, received);
  return {
    link: serialPortLinkFactory({ path: devicePath, baudRate: BAUD }),
    send: async (bytes) => {
      const p = peer;
      if (!p) throw new Error('peer not open');
      await new Promise<void>((resolve, reject) =>
        p.write(Buffer.from(bytes), (e) => (e ? reject(e) : p.drain(() => resolve()))),
      );
    },
    receivedBytes: async (n) => {
      await waitUntil(() => Buffer.concat(received).length >= n, 3000, `${n} bytes at the peer`);
      return Buffer.concat(received);
    },
    unplug: async () => {
      // SIGKILL, like a yanked adapter: socat gets no chance to tidy up, its pty links dangle.
      await pair?.kill();
      pair = null;
      await closePeer(peer);
      peer = null;
    },
    replug: async () => {
      pair = await socatPair({ dir, devicePath, peerPath });
      peer = await openPeer(peerPath, received);
    },
    cleanup: async () => {
      await closePeer(peer);
      await pair?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
