/** The sink against a fake writer: batching, spool on failure, replay once the writer is back. */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPoint } from 'influx';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/servers.ts';
import { openDb } from '../db/sqlite.ts';
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

async function setup(maxPoints = 1_000_000, existing?: string) {
  const dir = existing ?? (await mkdtemp(join(tmpdir(), 'cityedge-sink-')));
  dirs.push(dir);
  const counters = new Counters();
  const spool = new Spool(join(dir, 'spool.db'), maxPoints, (n) => counters.inc('dropped', n));
  const written: number[] = [];
  const rejected: { point: unknown; code: string; reason: string }[] = [];
  /** `bad`: values InfluxDB refuses (400, like a point beyond retention); `failAfter`: writes before a 503. */
  const state = { up: true, bad: new Set<number>(), writes: 0, failAfter: Number.POSITIVE_INFINITY };
  const write = async (batch: IPoint[]) => {
    await new Promise((r) => setTimeout(r, 1));
    if (!state.up) throw new Error('connection refused');
    if (state.writes++ >= state.failAfter) {
      state.up = false;
      throw Object.assign(new Error('A 503 Service Unavailable error occurred'), {
        res: { statusCode: 503 },
      });
    }
    const refused = batch.filter((p) => state.bad.has(p.fields!.v as number));
    if (refused.length > 0)
      throw Object.assign(new Error('A 400 Bad Request error occurred: {"error":"partial write"}'), {
        res: { statusCode: 400 },
      });
    for (const p of batch) written.push(p.fields!.v as number);
  };
  const sink = new InfluxSink(
    write,
    spool,
    { batchPoints: 100, flushMs: 20 },
    counters,
    pino({ level: 'silent' }),
    (point, code, reason) => rejected.push({ point, code, reason }),
  );
  return { sink, spool, written, rejected, state, counters };
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

  it('bisects a batch InfluxDB refuses (400): only the bad points are dead-lettered, the rest written', async () => {
    const { sink, written, rejected, state, counters } = await setup();
    state.bad = new Set([3, 57, 58]);
    sink.add(points(250));
    await waitFor(() => written.length + rejected.length === 250, 5000, 'all settled');
    expect(written.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 250 }, (_, i) => i).filter((v) => !state.bad.has(v)),
    );
    expect(rejected.map((r) => (r.point as IPoint).fields!.v)).toEqual([3, 57, 58]);
    expect(rejected.every((r) => r.code === 'INGEST_POINT_REFUSED' && r.reason.includes('400'))).toBe(true);
    expect(counters.get('ingest.points.rejected')).toBe(3);
    expect(counters.get('ingest.write.failures')).toBe(0); // a 4xx is not an outage
    expect(sink.isUp).toBe(true);
    await sink.close();
  });

  it('spools what is left when InfluxDB fails mid-bisect, then dead-letters each bad point once', async () => {
    const { sink, spool, written, rejected, state } = await setup();
    state.bad = new Set([10, 90]);
    state.failAfter = 3; // the first split halves succeed or fail, then InfluxDB goes down
    sink.add(points(100));
    await waitFor(() => !sink.isUp && spool.points > 0, 5000, 'spooled the remainder');
    state.up = true;
    state.failAfter = Number.POSITIVE_INFINITY;
    await waitFor(() => sink.pending === 0, 10_000, 'drained');
    expect(new Set(written).size).toBe(98);
    expect(written.filter((v) => state.bad.has(v))).toEqual([]);
    expect(rejected.map((r) => (r.point as IPoint).fields!.v).sort((a, b) => Number(a) - Number(b))).toEqual([
      10, 90,
    ]);
    await sink.close();
  });

  it('a poisoned spool (refused points, non-JSON rows, non-points) does not stall the drain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-sink-'));
    dirs.push(dir);
    const file = join(dir, 'spool.db');
    const first = new Spool(file, 1_000_000, () => {});
    first.push(points(50));
    first.close();
    const db = openDb(file);
    db.prepare('INSERT INTO spool (points, body) VALUES (?, ?)').run(3, '[{"measurement":"m",');
    db.prepare('INSERT INTO spool (points, body) VALUES (?, ?)').run(
      3,
      JSON.stringify([{ measurement: 'm', fields: {}, timestamp: '1' }, 'junk', ...points(2, 50)]),
    );
    db.close();
    const { sink, written, rejected, state, counters } = await setup(1_000_000, dir);
    state.bad = new Set([7]);
    await waitFor(() => sink.pending === 0, 10_000, 'drained after restart');
    expect(written.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 52 }, (_, i) => i).filter((v) => v !== 7),
    );
    expect(rejected.map((r) => r.code).sort()).toEqual([
      'INGEST_POINT_REFUSED',
      'INGEST_SPOOL_CORRUPT',
      'INGEST_SPOOL_CORRUPT',
      'INGEST_SPOOL_CORRUPT',
    ]);
    expect(counters.get('ingest.points.corrupt')).toBe(3);
    await sink.close();
  });

  it('moves a spool file that is not a database aside instead of failing to start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-sink-'));
    dirs.push(dir);
    const file = join(dir, 'spool.db');
    writeFileSync(file, 'this is not sqlite, just garbage bytes '.repeat(200));
    const moved: string[] = [];
    const spool = new Spool(
      file,
      1000,
      () => {},
      (to) => moved.push(to),
    );
    expect(moved).toHaveLength(1);
    expect(existsSync(moved[0]!)).toBe(true);
    spool.push(points(5));
    expect(spool.points).toBe(5);
    spool.close();
  });
});
