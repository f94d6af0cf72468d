/** The sink against a fake writer: batching, spool on failure, replay once the writer is back. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPoint } from 'influx';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/servers.ts';
import { Counters } from '../metrics.ts';
import { InfluxSink } from './sink.ts';
import { Spool } from './spool.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const points = (n: number, from = 0): IPoint[] =>
  Array.from({ length: n }, (_, i) => ({
    measurement: 'm',
    fields: { v: from + i },
    timestamp: String(from + i),
  }));

async function setup(maxPoints = 1_000_000) {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-sink-'));
  dirs.push(dir);
  const counters = new Counters();
  const spool = new Spool(join(dir, 'spool.db'), maxPoints, (n) => counters.inc('dropped', n));
  const written: number[] = [];
  const state = { up: true };
  const write = async (batch: IPoint[]) => {
    await new Promise((r) => setTimeout(r, 1));
    if (!state.up) throw new Error('connection refused');
    for (const p of batch) written.push(p.fields!.v as number);
  };
  const sink = new InfluxSink(
    write,
    spool,
    { batchPoints: 100, flushMs: 20 },
    counters,
    pino({ level: 'silent' }),
  );
  return { sink, spool, written, state, counters };
}

describe('InfluxSink', () => {
  it('writes in batches of batchPoints and flushes the remainder on a timer', async () => {
    const { sink, written, counters } = await setup();
    sink.add(points(250));
    await waitFor(() => written.length === 250, 2000, 'all written');
    expect(counters.get('ingest.batches.written')).toBe(3);
    await sink.close();
  });

  it('spools while the writer is down and replays every point exactly once when it is back', async () => {
    const { sink, spool, written, state, counters } = await setup();
    state.up = false;
    sink.add(points(500));
    await waitFor(() => spool.points === 500, 2000, 'spooled');
    expect(sink.isUp).toBe(false);
    sink.add(points(200, 500)); // arrives while down: straight to the spool
    await waitFor(() => spool.points === 700, 2000, 'spooled more');
    state.up = true;
    await waitFor(() => sink.pending === 0, 10_000, 'replayed');
    expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: 700 }, (_, i) => i));
    expect(counters.get('ingest.points.replayed')).toBe(700);
    await sink.close();
  });

  it('drops the oldest spooled batches beyond the bound, and counts them', async () => {
    const { sink, spool, state, counters } = await setup(1000);
    state.up = false;
    sink.add(points(1500));
    await waitFor(() => counters.get('dropped') > 0, 2000, 'drop');
    expect(spool.points).toBeLessThanOrEqual(1000);
    expect(counters.get('dropped') + spool.points).toBe(1500);
    await sink.close();
  });
});
