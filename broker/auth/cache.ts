/**
 * Remembers recently verified device passwords (as SHA-256, keyed by the stored scrypt hash), so a
 * reconnect storm after a network blip costs a hash each instead of ~40 ms of scrypt each. A
 * changed password changes the stored hash and so misses the cache; entries expire after `ttlMs`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export class VerifiedCache {
  private readonly entries = new Map<string, { digest: Buffer; expires: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 100_000,
  ) {}

  private static digest(password: string): Buffer {
    return createHash('sha256').update(password).digest();
  }

  has(storedHash: string, password: string): boolean {
    const e = this.entries.get(storedHash);
    if (!e || e.expires < Date.now()) return false;
    return timingSafeEqual(e.digest, VerifiedCache.digest(password));
  }

  add(storedHash: string, password: string): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(storedHash, {
      digest: VerifiedCache.digest(password),
      expires: Date.now() + this.ttlMs,
    });
  }
}
