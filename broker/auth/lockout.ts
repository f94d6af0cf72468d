/**
 * Failed-login tracking per account and per source address, shared by the HTTP login and MQTT
 * CONNECT (issue 16: password guessing ran at 47/s with no lockout). An account with too many
 * failures in a window is locked, its correct password refused too, for a time that doubles with
 * each further lock (OWASP's lockout with back-off); a source with too many failures over any
 * accounts is locked likewise, so cycling usernames does not escape the account lock. Names are
 * tracked whether they exist or not, so a lock reveals nothing. Both maps are bounded.
 */
import { z } from 'zod';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import type { Counters } from '../metrics.ts';

export const loginLimitsSchema = z
  .strictObject({
    /** Failures of one account within `windowS` that lock it. */
    accountMaxFailures: z.number().int().min(1).default(5),
    /** Failures from one source address (IPv6: its /64) within `windowS`; 0 = no source lock. */
    sourceMaxFailures: z.number().int().min(0).default(50),
    windowS: z.number().min(1).default(900),
    /** The first lock; each further lock of the same key doubles it, up to `maxLockS`. */
    lockS: z.number().min(0.1).default(60),
    maxLockS: z.number().min(0.1).default(900),
    /** Accounts and sources tracked at most (each); past it the oldest unlocked entry goes. */
    maxTracked: z.number().int().min(10).default(10_000),
  })
  .prefault({});

export type LoginLimits = z.infer<typeof loginLimitsSchema>;

export interface LoginRefusal {
  scope: 'account' | 'source';
  retryAfterMs: number;
}

interface Tally {
  failures: number;
  /** Start of the current failure window. */
  since: number;
  lockedUntil: number;
  /** Locks so far (the back-off exponent); forgotten a window after the last lock ended. */
  locks: number;
}

/** Longer names cannot be accounts; the cap keeps an attacker's 64 KiB usernames out of memory. */
const MAX_KEY_CHARS = 128;
/** How far from the oldest end eviction looks for an unlocked entry before taking the oldest. */
const EVICT_SCAN = 32;

/** The key of a remote address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return '?';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

export function refusalMessage(r: LoginRefusal): string {
  const s = Math.ceil(r.retryAfterMs / 1000);
  return r.scope === 'account'
    ? `account locked after repeated failed logins; retry in ${s} s`
    : `too many failed logins from this address; retry in ${s} s`;
}

/** Failure tallies for one kind of key, bounded. */
class Tallies {
  private readonly map = new Map<string, Tally>();

  constructor(
    private readonly max: number,
    private readonly limits: LoginLimits,
    private readonly onEvict: () => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  lockedFor(key: string, now: number): number {
    const t = this.map.get(key);
    return t && t.lockedUntil > now ? t.lockedUntil - now : 0;
  }

  /** Counts a failure; returns the lock it starts (ms), else 0. */
  fail(key: string, now: number): number {
    const windowMs = this.limits.windowS * 1000;
    const t = this.touch(key, now);
    if (now - t.since > windowMs) {
      t.failures = 0;
      t.since = now;
      if (now - t.lockedUntil > windowMs) t.locks = 0;
    }
    if (++t.failures < this.max) return 0;
    const lockMs = Math.min(this.limits.maxLockS * 1000, this.limits.lockS * 1000 * 2 ** t.locks);
    t.locks++;
    t.failures = 0;
    t.since = now;
    t.lockedUntil = now + lockMs;
    return lockMs;
  }

  forget(key: string): void {
    this.map.delete(key);
  }

  /** The key's tally, moved to the newest end (Map order = least recently failed first). */
  private touch(key: string, now: number): Tally {
    const t = this.map.get(key) ?? { failures: 0, since: now, lockedUntil: 0, locks: 0 };
    this.map.delete(key);
    if (this.map.size >= this.limits.maxTracked) this.evict(now);
    this.map.set(key, t);
    return t;
  }

  /** Drops the oldest unlocked tally near the old end, else the oldest: memory stays bounded. */
  private evict(now: number): void {
    let scanned = 0;
    let victim: string | undefined;
    for (const [key, t] of this.map) {
      victim ??= key;
      if (t.lockedUntil <= now) {
        victim = key;
        break;
      }
      if (++scanned >= EVICT_SCAN) break;
    }
    if (victim !== undefined) this.map.delete(victim);
    this.onEvict();
  }
}

export class LoginGuard {
  private readonly accounts: Tallies;
  private readonly sources: Tallies;

  constructor(
    private readonly limits: LoginLimits,
    private readonly counters: Counters,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    const evicted = () => counters.inc('auth.lockout.evicted');
    this.accounts = new Tallies(limits.accountMaxFailures, limits, evicted);
    this.sources = new Tallies(limits.sourceMaxFailures, limits, evicted);
  }

  /** Before checking a password: a refusal when the account or the source is locked. */
  check(account: string, source: string): LoginRefusal | undefined {
    const now = this.clock.now();
    const a = this.accounts.lockedFor(account.slice(0, MAX_KEY_CHARS), now);
    if (a > 0) return { scope: 'account', retryAfterMs: a };
    const s = this.limits.sourceMaxFailures > 0 ? this.sources.lockedFor(source, now) : 0;
    return s > 0 ? { scope: 'source', retryAfterMs: s } : undefined;
  }

  /** A wrong password: counted against both; returns the lock this failure started, if any. */
  failed(account: string, source: string): LoginRefusal | undefined {
    const now = this.clock.now();
    const a = this.accounts.fail(account.slice(0, MAX_KEY_CHARS), now);
    const s = this.limits.sourceMaxFailures > 0 ? this.sources.fail(source, now) : 0;
    if (a > 0) this.counters.inc('auth.lockout.account');
    if (s > 0) this.counters.inc('auth.lockout.source');
    if (a > 0) return { scope: 'account', retryAfterMs: a };
    return s > 0 ? { scope: 'source', retryAfterMs: s } : undefined;
  }

  /**
   * A correct password: the account starts afresh. The source does not, or an attacker holding
   * one account could clear its address's tally between guesses at others.
   */
  succeeded(account: string): void {
    this.accounts.forget(account.slice(0, MAX_KEY_CHARS));
  }

  /** Tallies held (the bound is `maxTracked` each). */
  tracked(): { accounts: number; sources: number } {
    return { accounts: this.accounts.size, sources: this.sources.size };
  }
}
