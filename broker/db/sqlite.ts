/**
 * The broker's relational store (better-sqlite3): users, devices, vehicle registry and the audit
 * log. Schema changes are numbered migrations applied once, tracked by `PRAGMA user_version`.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const migrations: string[] = [
  `CREATE TABLE users (
     username TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),
     created_at INTEGER NOT NULL
   );
   CREATE TABLE devices (
     site TEXT NOT NULL,
     device TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('parking','signals','other')),
     password_hash TEXT,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (site, device)
   );
   CREATE TABLE vehicles (
     plate TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     category TEXT NOT NULL CHECK (category IN ('staff','visitor','disabled','blocklisted')),
     valid_from INTEGER,
     valid_until INTEGER,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE vehicle_sites (
     plate TEXT NOT NULL REFERENCES vehicles(plate) ON DELETE CASCADE,
     site TEXT NOT NULL,
     PRIMARY KEY (plate, site)
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts INTEGER NOT NULL,
     actor TEXT NOT NULL,
     role TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     detail TEXT NOT NULL,
     outcome TEXT NOT NULL
   );
   CREATE INDEX audit_ts ON audit(ts);
   CREATE INDEX audit_actor ON audit(actor, ts);`,
  // Token revocation: a JWT carries its user's version and is refused once the version moves.
  // Existing users start at a random version, like new ones (see users.ts createUser).
  `ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
   UPDATE users SET token_version = 1 + abs(random() % 1073741823);`,
];

/** The file and the WAL/shared-memory files SQLite keeps beside it (they hold the same rows). */
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/**
 * Password hashes and the audit log are in this file: owner-only, 0600 (mosquitto does the same
 * for its password file). SQLite creates -wal and -shm with the main file's mode, so creating
 * the main file 0600 first covers them; files left by an older version are tightened too.
 */
function createPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const suffix of SIDE_FILES) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
}

export function openDb(file: string): Db {
  if (file !== ':memory:') createPrivate(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
