/**
 * One suite, two stores: the embedded SQLite store and the PostgreSQL registry a cluster shares
 * must behave the same for every call the broker makes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPostgres, startPostgres } from '../../testing/servers.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

let pgServer: RunningPostgres;
let dir: string;
let schemaN = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-store-'));
  pgServer = await startPostgres({ fast: true });
}, 60_000);
afterAll(async () => {
  await pgServer?.stop();
  await rm(dir, { recursive: true, force: true });
});

const kinds: [string, () => Promise<Store>][] = [
  ['sqlite', async () => openSqliteStore(join(dir, `s${schemaN++}.db`))],
  ['postgres', () => openPostgresStore({ url: pgServer.url, schema: `t${schemaN++}`, poolMax: 4 })],
];

describe.each(kinds)('store: %s', (_name, open) => {
  it('users: create once, update, list, delete', async () => {
    const s = await open();
    expect(await s.accounts.createUser('ann', 'h1', 'viewer')).toBe(true);
    expect(await s.accounts.createUser('ann', 'h2', 'admin')).toBe(false);
    expect(await s.accounts.userHash('ann')).toMatchObject({ hash: 'h1', role: 'viewer' });
    expect(await s.accounts.updateUser('ann', { role: 'operator' })).toBe(true);
    expect(await s.accounts.updateUser('nobody', { role: 'operator' })).toBe(false);
    expect(await s.accounts.userHash('ann')).toMatchObject({ hash: 'h1', role: 'operator' });
    await s.accounts.createUser('bob', 'h3', 'admin');
    const users = await s.accounts.listUsers();
    expect(users.map((u) => [u.username, u.role])).toEqual([
      ['ann', 'operator'],
      ['bob', 'admin'],
    ]);
    expect(typeof users[0]!.createdAt).toBe('number');
    expect(await s.accounts.deleteUser('ann')).toBe(true);
    expect(await s.accounts.deleteUser('ann')).toBe(false);
    expect(await s.accounts.userHash('ann')).toBeUndefined();
    await s.close();
  });

  it('token versions: random at creation, bumped by a new password or role, gone with the user', async () => {
    const s = await open();
    await s.accounts.createUser('tess', 'h1', 'operator');
    const v0 = (await s.accounts.tokenVersion('tess'))!;
    expect(v0).toBeGreaterThan(0);
    expect((await s.accounts.userHash('tess'))?.tokenVersion).toBe(v0);
    await s.accounts.updateUser('tess', { role: 'operator' }); // same role: nothing to revoke
    expect(await s.accounts.tokenVersion('tess')).toBe(v0);
    await s.accounts.updateUser('tess', { role: 'viewer' });
    expect(await s.accounts.tokenVersion('tess')).toBe(v0 + 1);
    await s.accounts.updateUser('tess', { hash: 'h2' });
    expect(await s.accounts.tokenVersion('tess')).toBe(v0 + 2);
    await s.accounts.deleteUser('tess');
    expect(await s.accounts.tokenVersion('tess')).toBeUndefined();
    // Recreated under the same name: a fresh random version, so the old tokens stay dead.
    const again = new Set<number>();
    for (let i = 0; i < 5; i++) {
      await s.accounts.createUser('tess', 'h', 'operator');
      again.add((await s.accounts.tokenVersion('tess'))!);
      await s.accounts.deleteUser('tess');
    }
    expect(again.size).toBe(5);
    expect([...again].some((v) => v >= v0 && v <= v0 + 2)).toBe(false);
    await s.close();
  });

  it('devices: credentials, kinds and sites', async () => {
    const s = await open();
    expect(await s.accounts.createDevice('north', 'gw-1', 'parking', 'hash')).toBe(true);
    expect(await s.accounts.createDevice('north', 'gw-1', 'signals', 'other')).toBe(false);
    await s.accounts.createDevice('south', 'gw-2', 'parking', null);
    await s.accounts.createDevice('north', 'tsc-1', 'signals', 'h');
    expect(await s.accounts.deviceHash('north', 'gw-1')).toEqual({ hash: 'hash', kind: 'parking' });
    expect(await s.accounts.deviceHash('south', 'gw-2')).toEqual({ hash: null, kind: 'parking' });
    expect(await s.accounts.deviceHash('north', 'nope')).toBeUndefined();
    expect(await s.accounts.devicesOfKind('parking', [])).toEqual([
      { site: 'north', device: 'gw-1' },
      { site: 'south', device: 'gw-2' },
    ]);
    expect(await s.accounts.devicesOfKind('parking', ['south'])).toEqual([{ site: 'south', device: 'gw-2' }]);
    expect((await s.accounts.listDevices()).map((d) => `${d.site}/${d.device}/${d.kind}`)).toEqual([
      'north/gw-1/parking',
      'north/tsc-1/signals',
      'south/gw-2/parking',
    ]);
    expect(await s.accounts.deleteDevice('north', 'gw-1')).toBe(true);
    expect(await s.accounts.deleteDevice('north', 'gw-1')).toBe(false);
    await s.close();
  });

  it('registry: upsert returns the previous version, sites replaced, prefix search escapes % and _', async () => {
    const s = await open();
    const v = { plate: 'AB_12', owner: 'Ann', category: 'staff' as const, sites: ['b', 'a', 'a'] };
    expect(await s.registry.upsert(v)).toBeUndefined();
    expect(await s.registry.get('AB_12')).toEqual({ ...v, sites: ['a', 'b'] });
    const before = await s.registry.upsert({
      ...v,
      owner: 'Ann B',
      validUntil: 2_000_000_000_000,
      sites: ['c'],
    });
    expect(before).toEqual({ ...v, sites: ['a', 'b'] });
    expect(await s.registry.get('AB_12')).toEqual({
      ...v,
      owner: 'Ann B',
      validUntil: 2_000_000_000_000,
      sites: ['c'],
    });
    await s.registry.upsert({ plate: 'ABC12', owner: 'C', category: 'visitor', sites: [] });
    await s.registry.upsert({ plate: 'XY1', owner: 'X', category: 'blocklisted', sites: [] });
    const ab = await s.registry.list('AB', 10, 0);
    expect(ab.total).toBe(2);
    // Byte order on both stores ('C' < '_'), not the locale's.
    expect(ab.vehicles.map((x) => x.plate)).toEqual(['ABC12', 'AB_12']);
    const underscore = await s.registry.list('AB_', 10, 0);
    expect(underscore.vehicles.map((x) => x.plate)).toEqual(['AB_12']);
    expect((await s.registry.list('', 1, 1)).vehicles.map((x) => x.plate)).toEqual(['AB_12']);
    expect((await s.registry.remove('AB_12'))?.owner).toBe('Ann B');
    expect(await s.registry.remove('AB_12')).toBeUndefined();
    expect(await s.registry.get('AB_12')).toBeUndefined();
    await s.close();
  });

  it('registry: a bad category is refused and leaves the previous version intact', async () => {
    const s = await open();
    await s.registry.upsert({ plate: 'Q1', owner: 'Q', category: 'staff', sites: ['a'] });
    await expect(
      s.registry.upsert({ plate: 'Q1', owner: 'Z', category: 'pirate' as 'staff', sites: ['z'] }),
    ).rejects.toThrow();
    expect(await s.registry.get('Q1')).toEqual({ plate: 'Q1', owner: 'Q', category: 'staff', sites: ['a'] });
    await s.close();
  });

  it('audit: append-only ids, time range and actor filter, newest first, detail capped', async () => {
    const s = await open();
    const base = 1_700_000_000_000;
    const e = { role: 'admin', action: 'x', target: 't', outcome: 'ok' };
    const id1 = await s.audit.record({ ...e, actor: 'ann', detail: 'a'.repeat(5000), ts: base });
    const id2 = await s.audit.record({ ...e, actor: 'bob', detail: 'b', ts: base + 10 });
    const id3 = await s.audit.record({ ...e, actor: 'ann', detail: 'c', ts: base + 20 });
    expect(id2).toBeGreaterThan(id1);
    expect(id3).toBeGreaterThan(id2);
    const all = await s.audit.query({ from: base, to: base + 20, limit: 10 });
    expect(all.map((x) => x.id)).toEqual([id3, id2, id1]);
    expect(all[2]!.detail.length).toBe(4000);
    expect(typeof all[0]!.ts).toBe('number');
    const ann = await s.audit.query({ from: base, to: base + 20, actor: 'ann', limit: 10 });
    expect(ann.map((x) => x.detail)).toEqual(['c', 'a'.repeat(4000)]);
    expect((await s.audit.query({ from: base + 5, to: base + 15, limit: 10 })).map((x) => x.actor)).toEqual([
      'bob',
    ]);
    expect(await s.audit.query({ from: base, to: base + 20, limit: 1 })).toHaveLength(1);
    await s.close();
  });

  it('migrations: reopening the same database keeps data and the schema version', async () => {
    const first = await open();
    const version = first.schemaVersion;
    await first.accounts.createUser('keep', 'h', 'viewer');
    await first.close();
    expect(version).toBeGreaterThanOrEqual(1);
    // Reopen the very same database (same file / schema).
    const again =
      first.kind === 'sqlite'
        ? openSqliteStore(join(dir, `s${schemaN - 1}.db`))
        : await openPostgresStore({ url: pgServer.url, schema: `t${schemaN - 1}` });
    expect(again.schemaVersion).toBe(version);
    expect(await again.accounts.userHash('keep')).toMatchObject({ hash: 'h', role: 'viewer' });
    await again.close();
  });
});

describe('sqlite: migrating a database of schema 1', () => {
  it('gives existing users a random token version', async () => {
    const file = join(dir, 'v1.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')), created_at INTEGER NOT NULL);
      INSERT INTO users VALUES ('old', 'h', 'admin', 0), ('older', 'h', 'viewer', 0);`);
    db.pragma('user_version = 1');
    db.close();
    // The rest of schema 1 is missing here; migration 2 touches only `users`.
    const s = openSqliteStore(file);
    const [a, b] = [await s.accounts.tokenVersion('old'), await s.accounts.tokenVersion('older')];
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a).not.toBe(b);
    await s.close();
  });
});

describe('postgres: one registry for several nodes', () => {
  it('two pools (two nodes) migrating at once see the same users, devices and audit', async () => {
    const schema = 'cluster';
    const [a, b] = await Promise.all([
      openPostgresStore({ url: pgServer.url, schema, poolMax: 2 }),
      openPostgresStore({ url: pgServer.url, schema, poolMax: 2 }),
    ]);
    await a.accounts.createDevice('north', 'gw-9', 'parking', 'h9');
    expect(await b.accounts.deviceHash('north', 'gw-9')).toEqual({ hash: 'h9', kind: 'parking' });
    // 40 concurrent upserts of one plate from both nodes: one row, each saw a consistent "before".
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).registry.upsert({ plate: 'RACE', owner: `o${i}`, category: 'staff', sites: [`s${i}`] }),
    );
    const befores = await Promise.all(writes);
    expect(befores.filter((x) => x === undefined)).toHaveLength(1);
    const final = await a.registry.get('RACE');
    expect(final?.sites).toHaveLength(1);
    await Promise.all([
      a.audit.record({ actor: 'x', role: 'admin', action: 'a', target: '', detail: '', outcome: 'ok' }),
      b.audit.record({ actor: 'y', role: 'admin', action: 'a', target: '', detail: '', outcome: 'ok' }),
    ]);
    expect(await a.audit.query({ from: 0, to: Date.now(), limit: 10 })).toHaveLength(2);
    await Promise.all([a.close(), b.close()]);
  });

  it('an unreachable database fails with a clear error, not a hang', async () => {
    await expect(
      openPostgresStore({ url: `postgres://cityedge:wrong@127.0.0.1:${pgServer.port}/cityedge` }),
    ).rejects.toThrow(/password authentication failed/);
  });
});
