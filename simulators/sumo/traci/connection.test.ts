/** The client over an in-memory TraCI peer (a loopback TCP server scripted with byte fixtures). */
import { type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TraciClient } from './client.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A fake SUMO: for each request message, `reply` returns the byte chunks to send back. */
async function fakeSumo(reply: (request: Buffer, socket: Socket) => Buffer[] | undefined): Promise<number> {
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= buf.readInt32BE(0)) {
        const msg = buf.subarray(0, buf.readInt32BE(0));
        buf = buf.subarray(msg.length);
        const chunks = reply(msg, socket) ?? [];
        for (const [i, c] of chunks.entries()) setTimeout(() => socket.write(c), i * 5);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

const frame = (bodyHex: string) => {
  const body = Buffer.from(bodyHex, 'hex');
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4);
  return Buffer.concat([head, body]);
};
// getVersion answer: status OK + version 20 "SUMO 1.15.0" (see codec.test.ts)
const VERSION = frame('070000000000001500000000140000000b53554d4f20312e31352e30');

describe('TraciConnection framing and failures', () => {
  it('reassembles an answer split across TCP segments', async () => {
    const port = await fakeSumo((req) => {
      expect(req.toString('hex')).toBe('000000060200');
      return [VERSION.subarray(0, 3), VERSION.subarray(3, 11), VERSION.subarray(11)];
    });
    const c = await TraciClient.connect({ port });
    expect(await c.getVersion()).toEqual({ apiVersion: 20, identifier: 'SUMO 1.15.0' });
    c.destroy();
  });

  it('serialises concurrent requests: each answer goes to its own caller', async () => {
    let n = 0;
    const port = await fakeSumo(() => {
      n++;
      // TL state answers "A" then "B": a get for 'C' with the state string tagged by order
      const state = Buffer.from(n === 1 ? 'AAAA' : 'BBBB').toString('hex');
      return [frame(`07a2000000000011b22000000001430c00000004${state}`)];
    });
    const c = await TraciClient.connect({ port });
    const [a, b] = await Promise.all([
      c.trafficLight.getRedYellowGreenState('C'),
      c.trafficLight.getRedYellowGreenState('C'),
    ]);
    expect([a, b]).toEqual(['AAAA', 'BBBB']);
    c.destroy();
  });

  it('fails pending and later requests with TRACI_CLOSED when SUMO hangs up', async () => {
    const port = await fakeSumo((_req, socket) => {
      socket.destroy();
      return undefined;
    });
    const c = await TraciClient.connect({ port });
    await expect(c.getVersion()).rejects.toMatchObject({ code: 'TRACI_CLOSED' });
    await expect(c.simulation.getTime()).rejects.toMatchObject({ code: 'TRACI_CLOSED' });
  });

  it('times out a silent SUMO with TRACI_TIMEOUT', async () => {
    const port = await fakeSumo(() => undefined);
    const c = await TraciClient.connect({ port, replyTimeoutMs: 100 });
    await expect(c.getVersion()).rejects.toMatchObject({ code: 'TRACI_TIMEOUT' });
  });

  it('reports TRACI_CONNECT_FAILED when nothing listens', async () => {
    const port = await fakeSumo(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    await expect(TraciClient.connect({ port, timeoutMs: 200 })).rejects.toMatchObject({
      code: 'TRACI_CONNECT_FAILED',
    });
  });
});
