import { describe, expect, it } from 'vitest';
import { VerifiedCache } from './cache.ts';

describe('VerifiedCache', () => {
  it('hits only for the same stored hash and password, and forgets after the TTL', async () => {
    const c = new VerifiedCache(50);
    c.add('scrypt$a', 'pw-1');
    expect(c.has('scrypt$a', 'pw-1')).toBe(true);
    expect(c.has('scrypt$a', 'pw-2')).toBe(false);
    expect(c.has('scrypt$b', 'pw-1')).toBe(false); // password changed → new stored hash → miss
    await new Promise((r) => setTimeout(r, 80));
    expect(c.has('scrypt$a', 'pw-1')).toBe(false);
  });
});
