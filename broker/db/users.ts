/** Dashboard users and edge devices (credentials only; hashes, never passwords). */
import type { Role } from '../auth/identity.ts';
import type { Db } from './sqlite.ts';
import { firstTokenVersion } from './token-version.ts';

export interface UserRow {
  username: string;
  role: Role;
  createdAt: number;
}
export type DeviceKind = 'parking' | 'signals' | 'other';
export interface DeviceRow {
  site: string;
  device: string;
  kind: DeviceKind;
  createdAt: number;
}

export class Accounts {
  constructor(private readonly db: Db) {}

  userHash(username: string): { hash: string; role: Role; tokenVersion: number } | undefined {
    const row = this.db
      .prepare(
        'SELECT password_hash AS hash, role, token_version AS tokenVersion FROM users WHERE username = ?',
      )
      .get(username);
    return row as { hash: string; role: Role; tokenVersion: number } | undefined;
  }

  tokenVersion(username: string): number | undefined {
    const row = this.db.prepare('SELECT token_version AS v FROM users WHERE username = ?').get(username);
    return (row as { v: number } | undefined)?.v;
  }

  listUsers(): UserRow[] {
    return this.db
      .prepare('SELECT username, role, created_at AS createdAt FROM users ORDER BY username')
      .all() as UserRow[];
  }

  /** Returns false when the user exists already. */
  createUser(username: string, hash: string, role: Role): boolean {
    const r = this.db
      .prepare(
        'INSERT OR IGNORE INTO users (username, password_hash, role, created_at, token_version) VALUES (?, ?, ?, ?, ?)',
      )
      .run(username, hash, role, Date.now(), firstTokenVersion());
    return r.changes === 1;
  }

  updateUser(username: string, change: { hash?: string; role?: Role }): boolean {
    const r = this.db
      .prepare(
        `UPDATE users SET password_hash = COALESCE(@hash, password_hash), role = COALESCE(@role, role),
           token_version = token_version + CASE WHEN @hash IS NOT NULL OR @role <> role THEN 1 ELSE 0 END
         WHERE username = @username`,
      )
      .run({ hash: change.hash ?? null, role: change.role ?? null, username });
    return r.changes === 1;
  }

  deleteUser(username: string): boolean {
    return this.db.prepare('DELETE FROM users WHERE username = ?').run(username).changes === 1;
  }

  deviceHash(site: string, device: string): { hash: string | null; kind: DeviceKind } | undefined {
    return this.db
      .prepare('SELECT password_hash AS hash, kind FROM devices WHERE site = ? AND device = ?')
      .get(site, device) as { hash: string | null; kind: DeviceKind } | undefined;
  }

  listDevices(): DeviceRow[] {
    return this.db
      .prepare('SELECT site, device, kind, created_at AS createdAt FROM devices ORDER BY site, device')
      .all() as DeviceRow[];
  }

  devicesOfKind(kind: DeviceKind, sites: string[]): { site: string; device: string }[] {
    const all = this.db
      .prepare('SELECT site, device FROM devices WHERE kind = ? ORDER BY site, device')
      .all(kind) as { site: string; device: string }[];
    return sites.length === 0 ? all : all.filter((d) => sites.includes(d.site));
  }

  createDevice(site: string, device: string, kind: DeviceKind, hash: string | null): boolean {
    const r = this.db
      .prepare(
        'INSERT OR IGNORE INTO devices (site, device, kind, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(site, device, kind, hash, Date.now());
    return r.changes === 1;
  }

  deleteDevice(site: string, device: string): boolean {
    return (
      this.db.prepare('DELETE FROM devices WHERE site = ? AND device = ?').run(site, device).changes === 1
    );
  }
}
