import { describe, expect, it } from 'vitest';
import { TokenVersions } from './versions.ts';

describe('TokenVersions', () => {
  it('reads the store once per user per TTL, again after forget() or expiry', async () => {
    let t = 0;
    const db = new Map([['ann', 7]]);
    const v = new TokenVersions(
      async (u) => db.get(u),
      1000,
      () => t,
    );
    expect(await v.accepts({ username: 'ann', ver: 7 })).toBe(true);
    db.set('ann', 8); // changed on another node
    t = 999;
    expect(await v.accepts({ username: 'ann', ver: 7 })).toBe(true); // still cached
    expect(v.reads).toBe(1);
    t = 1000;
    expect(await v.accepts({ username: 'ann', ver: 7 })).toBe(false);
    expect(v.reads).toBe(2);
    db.delete('ann');
    v.forget('ann'); // changed on this node
    expect(await v.current('ann')).toBeUndefined();
    expect(v.reads).toBe(3);
  });

  it('shares one read between concurrent misses and does not cache a failed read', async () => {
    let calls = 0;
    let fail = true;
    const v = new TokenVersions(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('db down');
      return 1;
    });
    const all = await Promise.allSettled([v.current('a'), v.current('a'), v.current('a')]);
    expect(all.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    fail = false;
    expect(await v.current('a')).toBe(1);
    expect(calls).toBe(2);
  });
});
