import { describe, expect, it } from 'vitest';
import { createPool } from './pool.ts';

/** A fake resource whose jobs finish when the test says so. */
function fakes() {
  let made = 0;
  const stopped: number[] = [];
  return {
    start: async () => ++made,
    stop: async (r: number) => {
      stopped.push(r);
    },
    made: () => made,
    stopped,
  };
}

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('pool', () => {
  it('answers LPR_QUEUE_FULL at once when the bounded queue is full (back-pressure)', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, queueLimit: 2, start: f.start, stop: f.stop });
    await pool.ready();
    const gate = deferred<string>();
    const running = pool.run(() => gate.promise, 10_000);
    const queued = [pool.run(async () => 'q1', 10_000), pool.run(async () => 'q2', 10_000)];
    const refused = await pool.run(async () => 'never', 10_000);
    expect(refused).toMatchObject({ ok: false, error: { code: 'LPR_QUEUE_FULL' } });
    expect(pool.stats()).toMatchObject({ busy: 1, queued: 2 });
    gate.resolve('first');
    expect(await running).toEqual({ ok: true, value: 'first' });
    expect(await Promise.all(queued)).toEqual([
      { ok: true, value: 'q1' },
      { ok: true, value: 'q2' },
    ]);
    await pool.close();
  });

  it('times out a running job, replaces its resource, and keeps serving', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, queueLimit: 4, start: f.start, stop: f.stop });
    await pool.ready();
    const stuck = await pool.run(() => new Promise<never>(() => {}), 30);
    expect(stuck).toMatchObject({ ok: false, error: { code: 'LPR_TIMEOUT' } });
    expect(f.stopped).toEqual([1]);
    const next = await pool.run(async (r) => r, 1000);
    expect(next).toEqual({ ok: true, value: 2 }); // a fresh resource
    expect(pool.stats().recycled).toBe(1);
    await pool.close();
  });

  it('times out a job still waiting in the queue without touching the busy resource', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, queueLimit: 4, start: f.start, stop: f.stop });
    await pool.ready();
    const gate = deferred<string>();
    const running = pool.run(() => gate.promise, 10_000);
    const waiting = await pool.run(async () => 'late', 30);
    expect(waiting).toMatchObject({ ok: false, error: { code: 'LPR_TIMEOUT' } });
    expect(pool.stats().queued).toBe(0);
    gate.resolve('done');
    expect(await running).toEqual({ ok: true, value: 'done' });
    expect(f.stopped).toEqual([]);
    await pool.close();
  });

  it('a job that throws gives LPR_OCR_FAILED and its resource is replaced', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, queueLimit: 4, start: f.start, stop: f.stop });
    const r = await pool.run(async () => {
      throw new Error('worker crashed');
    }, 1000);
    expect(r).toEqual({ ok: false, error: { code: 'LPR_OCR_FAILED', message: 'worker crashed' } });
    expect(await pool.run(async (res) => res, 1000)).toEqual({ ok: true, value: 2 });
    await pool.close();
  });

  it('reports LPR_OCR_FAILED to waiting jobs when no resource can start', async () => {
    const pool = createPool<number>({
      size: 2,
      queueLimit: 4,
      start: async () => {
        throw new Error('no language data');
      },
      stop: async () => {},
    });
    expect(await pool.ready()).toMatchObject({ ok: false, error: { code: 'LPR_OCR_FAILED' } });
    const r = await pool.run(async () => 1, 1000);
    expect(r).toMatchObject({ ok: false, error: { code: 'LPR_OCR_FAILED' } });
    expect(r.ok ? '' : r.error.message).toContain('no language data');
    await pool.close();
  });

  it('runs jobs in parallel up to its size', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, queueLimit: 4, start: f.start, stop: f.stop });
    await pool.ready();
    const gates = [deferred<number>(), deferred<number>()];
    const jobs = gates.map((g) => pool.run(() => g.promise, 10_000));
    await new Promise((r) => setTimeout(r, 5));
    expect(pool.stats()).toMatchObject({ busy: 2, queued: 0 });
    for (const [i, g] of gates.entries()) g.resolve(i);
    expect((await Promise.all(jobs)).map((j) => j.ok)).toEqual([true, true]);
    await pool.close();
  });

  it('close() answers queued and running jobs with LPR_CLOSED and stops every resource', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, queueLimit: 4, start: f.start, stop: f.stop });
    await pool.ready();
    const running = pool.run(() => new Promise<never>(() => {}), 10_000);
    const queued = pool.run(async () => 1, 10_000);
    await pool.close();
    expect(await running).toMatchObject({ ok: false, error: { code: 'LPR_CLOSED' } });
    expect(await queued).toMatchObject({ ok: false, error: { code: 'LPR_CLOSED' } });
    expect(await pool.run(async () => 1, 100)).toMatchObject({ ok: false, error: { code: 'LPR_CLOSED' } });
    expect(f.stopped).toEqual([1]);
  });
});
