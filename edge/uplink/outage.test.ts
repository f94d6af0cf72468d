/**
 * The broker is killed (SIGKILL) for 30 s in the middle of a stream, against aedes (child process)
 * and Debian mosquitto side by side: after recovery no message may be missing and the order of
 * first arrival must be the order of production. Also checks that availability is re-asserted
 * (retained `online`) after the broker restart that lost every retained message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMessage, filterFor, topicFor } from '../../core/contract/index.ts';
import { freePort, startMosquitto, waitFor } from '../../testing/servers.ts';
import { type DurableQueue, openQueue } from '../queue/durable-queue.ts';
import { collect, gateProxy, startAedesChild } from './testing/harness.ts';
import { createUplink, type Uplink } from './uplink.ts';

const OUTAGE_MS = 30_000;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

type Kind = 'aedes' | 'mosquitto';

async function startBroker(kind: Kind, port: number): Promise<() => Promise<void>> {
  if (kind === 'aedes') {
    const b = await startAedesChild(port);
    cleanups.push(b.kill);
    return b.kill;
  }
  const m = await startMosquitto({ port });
  cleanups.push(m.stop);
  return m.kill;
}

async function scenario(kind: Kind) {
  const site = 'campus';
  const device = `gw-${kind}`;
  const brokerPort = await freePort();
  let killBroker = await startBroker(kind, brokerPort);
  const proxy = await gateProxy(() => brokerPort);
  cleanups.push(proxy.close);
  const sub = await collect(brokerPort, filterFor('sensorReading', { site, device }));
  cleanups.push(sub.close);
  const dir = mkdtempSync(join(tmpdir(), `cityedge-outage-${kind}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const opened = openQueue({ path: join(dir, 'outbox.db') });
  if (!opened.ok) throw opened.error;
  const queue: DurableQueue = opened.value;
  const uplink: Uplink = createUplink(
    {
      url: `mqtt://127.0.0.1:${proxy.port}`,
      clientId: `${site}.${device}`,
      site,
      device,
      reconnectPeriodMs: 500,
      keepaliveS: 5,
    },
    queue,
  );
  cleanups.push(async () => {
    await uplink.stop();
    queue.close();
  });
  uplink.start();
  await waitFor(() => uplink.stats().connected, 10_000, 'uplink connect');

  let produced = 0;
  const params = { site, device, sensor: 's1' };
  const startedAt = Date.now();
  const producer = setInterval(() => {
    // Catch up to 100 messages/s of elapsed time, so a loaded machine's late timers don't thin the stream.
    const due = Math.floor(((Date.now() - startedAt) * 100) / 1000);
    while (produced < due) {
      const data = { sensor: 's1', kind: 'heartbeat' as const, raw: produced++ };
      void uplink.send(buildMessage('sensorReading', params, data, { ts: Date.now() }));
    }
  }, 50);
  cleanups.push(() => clearInterval(producer));

  await sleep(3_000);
  proxy.open = false;
  await killBroker();
  const producedAtKill = produced;
  await sleep(OUTAGE_MS);
  expect(uplink.stats().connected).toBe(false);
  expect(queue.stats().depth).toBeGreaterThan(2_000); // the outage's messages are on disk
  killBroker = await startBroker(kind, brokerPort);
  await waitFor(() => sub.subscribed, 10_000, 'collector re-subscribed');
  proxy.open = true;
  await sleep(2_000);
  clearInterval(producer);
  const total = produced;

  const seen = () =>
    new Set(sub.messages.map((m) => (JSON.parse(m.payload) as { data: { raw: number } }).data.raw));
  await waitFor(() => seen().size >= total, 30_000, `${kind}: all ${total} messages`);
  await waitFor(() => queue.stats().depth === 0, 10_000, 'queue drained');

  const firstArrivals: number[] = [];
  const once = new Set<number>();
  for (const m of sub.messages) {
    const raw = (JSON.parse(m.payload) as { data: { raw: number } }).data.raw;
    if (!once.has(raw)) firstArrivals.push(raw);
    once.add(raw);
  }
  expect(firstArrivals).toEqual(Array.from({ length: total }, (_, i) => i));

  // The restarted broker lost every retained message: the birth must have been re-published.
  const status = await collect(brokerPort, topicFor('status', { site, device }));
  cleanups.push(status.close);
  await waitFor(() => status.messages.length > 0, 5_000, 'retained status');
  const birth = JSON.parse(status.messages[0]!.payload) as { data: { state: string } };
  expect(status.messages[0]!.retain).toBe(true);
  expect(birth.data.state).toBe('online');
  expect(uplink.stats().connects).toBeGreaterThanOrEqual(2);
  return { kind, total, producedAtKill, duplicates: sub.messages.length - total };
}

describe('uplink through a 30 s broker outage', () => {
  it('loses nothing and keeps order against aedes and mosquitto', async () => {
    const results = await Promise.all([scenario('aedes'), scenario('mosquitto')]);
    for (const r of results) {
      expect(r.total).toBeGreaterThan(r.producedAtKill + 3_000);
      console.info(`${r.kind}: ${r.total} messages, ${r.duplicates} duplicates after replay`);
    }
  }, 120_000);
});
