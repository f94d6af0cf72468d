import { describe, expect, it } from 'vitest';
import { TokenBucket } from './limits.ts';

describe('TokenBucket', () => {
  it('allows the burst, then asks to wait 1/rate per token, and refills with time', () => {
    let now = 0;
    const b = new TokenBucket(10, 3, () => now);
    expect([b.take(), b.take(), b.take()]).toEqual([0, 0, 0]);
    expect(b.take()).toBeCloseTo(100);
    expect(b.take()).toBeCloseTo(200); // debt accumulates: the second extra waits twice as long
    now += 1000; // +10 tokens, capped at the burst
    expect(b.take()).toBe(0);
  });
});
