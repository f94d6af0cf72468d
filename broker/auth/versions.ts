/**
 * Token revocation: every user row has a token version, every JWT carries the version it was
 * issued under, and a token is accepted only while the two agree. Deleting a user, changing the
 * role or the password moves the version (db/store.ts), so every older token dies at once.
 *
 * The check runs on every HTTP request and every MQTT connect, so versions are read through a
 * short cache (default 1 s): one store read per user per TTL instead of one per request. The
 * node that made a change forgets its entry at once; other nodes of a cluster notice within the
 * TTL. Concurrent misses for one user share one read.
 */
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import type { TokenClaims, TokenIssuer } from './tokens.ts';

interface Entry {
  version: Promise<number | undefined>;
  expires: number;
}

export class TokenVersions {
  private readonly entries = new Map<string, Entry>();
  /** Store reads made (the bench compares it with the requests served). */
  reads = 0;

  constructor(
    private readonly lookup: (username: string) => Promise<number | undefined>,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
    private readonly max = 10_000,
  ) {}

  /** The user's current version, or undefined when the user no longer exists. */
  current(username: string): Promise<number | undefined> {
    const t = this.now();
    const hit = this.entries.get(username);
    if (hit && hit.expires > t) return hit.version;
    if (this.entries.size >= this.max) this.entries.clear(); // bounded: at worst a burst of reads
    this.reads++;
    const version = this.lookup(username);
    const entry = { version, expires: t + this.ttlMs };
    this.entries.set(username, entry);
    // A failed read is not remembered: the caller sees the error, the next call reads again.
    version.catch(() => this.entries.get(username) === entry && this.entries.delete(username));
    return version;
  }

  async accepts(claims: Pick<TokenClaims, 'username' | 'ver'>): Promise<boolean> {
    return (await this.current(claims.username)) === claims.ver;
  }

  /** Called by the node that changed the user, so its own next check reads the store. */
  forget(username: string): void {
    this.entries.delete(username);
  }
}

/** A token's check, as the HTTP API and the MQTT hooks both run it. */
export type TokenCheck = (token: string) => Promise<Result<TokenClaims>>;

export const isRevoked = (e: CityEdgeError): boolean =>
  (e.details as { revoked?: boolean } | undefined)?.revoked === true;

/** A token that is signed, unexpired and of the user's current version. */
export async function verifyCurrent(
  tokens: TokenIssuer,
  versions: TokenVersions,
  token: string,
): Promise<Result<TokenClaims>> {
  const v = await tokens.verify(token);
  if (!v.ok) return v;
  if (!(await versions.accepts(v.value))) {
    return err(new CityEdgeError('API_UNAUTHENTICATED', 'token revoked: log in again', { revoked: true }));
  }
  return ok(v.value);
}
