import { describe, expect, it } from 'vitest';
import { Counters } from '../metrics.ts';
import { LoginGuard, type LoginLimits, loginLimitsSchema, refusalMessage, sourceKey } from './lockout.ts';

function guard(over: Partial<LoginLimits> = {}) {
  let t = 1_000_000;
  const counters = new Counters();
  const limits = loginLimitsSchema.parse({
    accountMaxFailures: 3,
    sourceMaxFailures: 10,
    lockS: 10,
    maxLockS: 40,
    windowS: 60,
    ...over,
  });
  const g = new LoginGuard(limits, counters, { now: () => t });
  const advance = (ms: number) => {
    t += ms;
  };
  return { g, counters, advance };
}

const fail = (g: LoginGuard, n: number, account = 'dev', source = '10.0.0.1') => {
  let last: ReturnType<LoginGuard['failed']>;
  for (let i = 0; i < n; i++) last = g.failed(account, source);
  return last;
};

describe('LoginGuard per account', () => {
  it('locks after maxFailures; the lock refuses until it expires, then lets one try', () => {
    const { g, counters, advance } = guard();
    expect(fail(g, 2)).toBeUndefined();
    expect(g.check('dev', '10.0.0.9')).toBeUndefined();
    expect(fail(g, 1)).toEqual({ scope: 'account', retryAfterMs: 10_000 });
    // From any address: the lock is the account's.
    expect(g.check('dev', '10.0.0.9')).toEqual({ scope: 'account', retryAfterMs: 10_000 });
    advance(9_000);
    expect(g.check('dev', '10.0.0.9')?.retryAfterMs).toBe(1_000);
    expect(g.check('other', '10.0.0.9')).toBeUndefined();
    advance(1_000);
    expect(g.check('dev', '10.0.0.9')).toBeUndefined();
    expect(counters.get('auth.lockout.account')).toBe(1);
  });

  it('backs off: each further lock doubles, capped at maxLockS; a quiet window forgets', () => {
    const { g, advance } = guard();
    const locks: number[] = [];
    for (let i = 0; i < 5; i++) {
      locks.push(fail(g, 3)!.retryAfterMs);
      advance(locks.at(-1)!);
    }
    expect(locks).toEqual([10_000, 20_000, 40_000, 40_000, 40_000]);
    advance(61_000); // a window with no failure after the last lock ended
    expect(fail(g, 3)!.retryAfterMs).toBe(10_000);
  });

  it('failures older than the window do not add up', () => {
    const { g, advance } = guard();
    fail(g, 2);
    advance(61_000);
    expect(fail(g, 2)).toBeUndefined();
    expect(g.check('dev', 'x')).toBeUndefined();
  });

  it('a success resets the account, not the source', () => {
    const { g } = guard({ sourceMaxFailures: 5 });
    fail(g, 2, 'dev', 's');
    g.succeeded('dev');
    expect(fail(g, 2, 'dev', 's')).toBeUndefined();
    expect(g.check('dev', 's')).toBeUndefined();
    // Four failures from s so far: the fifth, on any account, locks the source.
    expect(fail(g, 1, 'another', 's')).toEqual({ scope: 'source', retryAfterMs: 10_000 });
    expect(g.check('third', 's')?.scope).toBe('source');
  });
});

describe('LoginGuard per source', () => {
  it('cycling usernames from one address locks the address, other addresses are served', () => {
    const { g, counters } = guard();
    for (let i = 0; i < 9; i++) expect(g.failed(`guess-${i}`, 'evil')).toBeUndefined();
    expect(g.failed('guess-9', 'evil')).toEqual({ scope: 'source', retryAfterMs: 10_000 });
    expect(g.check('fresh-name', 'evil')?.scope).toBe('source');
    expect(g.check('fresh-name', 'good')).toBeUndefined();
    expect(counters.get('auth.lockout.source')).toBe(1);
  });

  it('sourceMaxFailures 0 turns the source lock off', () => {
    const { g } = guard({ sourceMaxFailures: 0 });
    for (let i = 0; i < 100; i++) g.failed(`n-${i}`, 'evil');
    expect(g.check('fresh', 'evil')).toBeUndefined();
    expect(g.tracked().sources).toBe(0);
  });
});

describe('LoginGuard memory', () => {
  it('stays within maxTracked however many names and addresses an attacker cycles', () => {
    const { g, counters } = guard({ maxTracked: 1000, sourceMaxFailures: 1_000_000 });
    for (let i = 0; i < 100_000; i++)
      g.failed(`name-${i}-${'x'.repeat(i % 300)}`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(g.tracked()).toEqual({ accounts: 1000, sources: 1000 });
    expect(counters.get('auth.lockout.evicted')).toBe(2 * 99_000);
  });

  it('evicts unlocked tallies before locked ones', () => {
    const { g } = guard({ maxTracked: 10, sourceMaxFailures: 0 });
    fail(g, 3, 'victim');
    for (let i = 0; i < 50; i++) g.failed(`noise-${i}`, 's');
    expect(g.check('victim', 's')?.scope).toBe('account');
    expect(g.tracked().accounts).toBe(10);
  });

  it('keys long usernames by their first 128 characters', () => {
    const { g } = guard();
    const long = 'a'.repeat(70_000);
    fail(g, 3, long);
    expect(g.check(`${'a'.repeat(128)}zzz`, 'x')?.scope).toBe('account');
  });
});

describe('sourceKey and messages', () => {
  it('IPv4 as is, IPv4-mapped unwrapped, IPv6 by /64', () => {
    expect(sourceKey('127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('?');
  });

  it('says which lock and for how long', () => {
    expect(refusalMessage({ scope: 'account', retryAfterMs: 1500 })).toBe(
      'account locked after repeated failed logins; retry in 2 s',
    );
    expect(refusalMessage({ scope: 'source', retryAfterMs: 60_000 })).toMatch(/this address; retry in 60 s/);
  });
});
