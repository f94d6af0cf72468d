import { describe, expect, it } from 'vitest';
import { Backoff, retryUntil } from './retry.ts';

describe('Backoff', () => {
  it('doubles from initialMs up to maxMs, and reset() starts over', () => {
    const b = new Backoff({ initialMs: 250, maxMs: 1500 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([250, 500, 1000, 1500, 1500]);
    b.reset();
    expect(b.next()).toBe(250);
  });

  it('factor 1 is a fixed delay', () => {
    const b = new Backoff({ initialMs: 50, maxMs: 50, factor: 1 });
    expect([b.next(), b.next()]).toEqual([50, 50]);
  });

  it('refuses a cap below the first delay', () => {
    expect(() => new Backoff({ initialMs: 100, maxMs: 10 })).toThrow(RangeError);
  });
});

describe('retryUntil', () => {
  it('retries with the backoff delays until the attempt succeeds', async () => {
    let t = 0;
    const slept: number[] = [];
    let calls = 0;
    const value = await retryUntil(
      async () => {
        if (++calls < 4) throw new Error(`fail ${calls}`);
        return 'up';
      },
      {
        timeoutMs: 10_000,
        backoff: new Backoff({ initialMs: 10, maxMs: 25 }),
        now: () => t,
        sleep: async (ms) => {
          slept.push(ms);
          t += ms;
        },
      },
    );
    expect(value).toBe('up');
    expect(slept).toEqual([10, 20, 25]);
  });

  it('rethrows the last failure once the deadline has passed', async () => {
    let t = 0;
    let calls = 0;
    const run = retryUntil(
      async () => {
        throw new Error(`fail ${++calls}`);
      },
      {
        timeoutMs: 100,
        backoff: new Backoff({ initialMs: 40, maxMs: 40, factor: 1 }),
        now: () => t,
        sleep: async (ms) => {
          t += ms;
        },
      },
    );
    // Attempts at t = 0, 40, 80, 120: the fourth is past the 100 ms deadline.
    await expect(run).rejects.toThrow('fail 4');
  });
});
