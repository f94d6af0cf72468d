import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from './sqlite.ts';

const mode = (f: string) => statSync(f).mode & 0o777;

describe('broker.db file mode (issue 16: the database was world-readable)', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates broker.db, -wal and -shm readable by the owner only', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cityedge-dbmode-'));
    const file = join(dir, 'broker.db');
    const db = openDb(file);
    // A write makes SQLite create the WAL and shared-memory files.
    db.prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)').run(
      'u',
      'h',
      'viewer',
      Date.now(),
    );
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      expect([f, mode(f).toString(8)]).toEqual([f, '600']);
    db.close();
  });

  it('tightens a database an older version left world-readable', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cityedge-dbmode-'));
    const file = join(dir, 'broker.db');
    openDb(file).close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const db = openDb(file);
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(`${file}-wal`).toString(8)).toBe('600');
    db.close();
  });
});
