/**
 * The cluster's one registry in PostgreSQL (`pg`): every broker node opens a pool to the same
 * database, so a device provisioned through any node logs in on every node and the audit trail
 * is one table. Numbered migrations run under an advisory lock, so nodes starting together
 * migrate once.
 */
import pg from 'pg';
import type { Role } from '../auth/identity.ts';
import {
  type AccountStore,
  type AuditEntry,
  type AuditStore,
  type DeviceKind,
  type DeviceRow,
  firstTokenVersion,
  type RegistryStore,
  type Store,
  type UserRow,
  type Vehicle,
} from './store.ts';

export interface PostgresOptions {
  /** `postgres://user:pass@host:port/db` */
  url: string;
  /** Pool size per node (each node keeps at most this many connections). */
  poolMax?: number;
  /** Schema to use (created when missing); lets tests share one cluster. */
  schema?: string;
}

const MIGRATION_LOCK = 0x63697479; // 'city'

const migrations: string[] = [
  `CREATE TABLE users (
     username TEXT COLLATE "C" PRIMARY KEY,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),
     created_at BIGINT NOT NULL
   );
   CREATE TABLE devices (
     site TEXT COLLATE "C" NOT NULL,
     device TEXT COLLATE "C" NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('parking','signals','other')),
     password_hash TEXT,
     created_at BIGINT NOT NULL,
     PRIMARY KEY (site, device)
   );
   CREATE INDEX devices_kind ON devices(kind, site);
   CREATE TABLE vehicles (
     plate TEXT COLLATE "C" PRIMARY KEY,
     owner TEXT NOT NULL,
     category TEXT NOT NULL CHECK (category IN ('staff','visitor','disabled','blocklisted')),
     valid_from BIGINT,
     valid_until BIGINT,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE vehicle_sites (
     plate TEXT COLLATE "C" NOT NULL REFERENCES vehicles(plate) ON DELETE CASCADE,
     site TEXT COLLATE "C" NOT NULL,
     PRIMARY KEY (plate, site)
   );
   CREATE TABLE audit (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     ts BIGINT NOT NULL,
     actor TEXT NOT NULL,
     role TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     detail TEXT NOT NULL,
     outcome TEXT NOT NULL
   );
   CREATE INDEX audit_ts ON audit(ts);
   CREATE INDEX audit_actor ON audit(actor, ts);`,
  // Token revocation (see sqlite.ts migration 2): existing users start at a random version.
  `ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
   UPDATE users SET token_version = 1 + floor(random() * 1073741823)::bigint;`,
];

// BIGINT (int8) columns hold millisecond timestamps and ids, well inside 2^53: read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`database schema ${current} is newer than this build knows (${migrations.length})`);
    }
    for (let v = current; v < migrations.length; v++) await client.query(migrations[v]!);
    await client.query('DELETE FROM schema_version');
    await client.query('INSERT INTO schema_version (version) VALUES ($1)', [migrations.length]);
    await client.query('COMMIT');
    return migrations.length;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

class PgAccounts implements AccountStore {
  constructor(private readonly db: pg.Pool) {}

  async userHash(username: string) {
    const r = await this.db.query<{ hash: string; role: Role; tokenVersion: number }>(
      'SELECT password_hash AS hash, role, token_version AS "tokenVersion" FROM users WHERE username = $1',
      [username],
    );
    return r.rows[0];
  }
  async tokenVersion(username: string) {
    const r = await this.db.query<{ v: number }>('SELECT token_version AS v FROM users WHERE username = $1', [
      username,
    ]);
    return r.rows[0]?.v;
  }
  async listUsers() {
    const r = await this.db.query<UserRow>(
      'SELECT username, role, created_at AS "createdAt" FROM users ORDER BY username',
    );
    return r.rows;
  }
  async createUser(username: string, hash: string, role: Role) {
    const r = await this.db.query(
      `INSERT INTO users (username, password_hash, role, created_at, token_version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO NOTHING`,
      [username, hash, role, Date.now(), firstTokenVersion()],
    );
    return r.rowCount === 1;
  }
  async updateUser(username: string, change: { hash?: string; role?: Role }) {
    const r = await this.db.query(
      `UPDATE users SET password_hash = COALESCE($1, password_hash), role = COALESCE($2, role),
         token_version = token_version + CASE WHEN $1::text IS NOT NULL OR $2::text <> role THEN 1 ELSE 0 END
       WHERE username = $3`,
      [change.hash ?? null, change.role ?? null, username],
    );
    return r.rowCount === 1;
  }
  async deleteUser(username: string) {
    return (await this.db.query('DELETE FROM users WHERE username = $1', [username])).rowCount === 1;
  }
  async deviceHash(site: string, device: string) {
    const r = await this.db.query<{ hash: string | null; kind: DeviceKind }>(
      'SELECT password_hash AS hash, kind FROM devices WHERE site = $1 AND device = $2',
      [site, device],
    );
    return r.rows[0];
  }
  async listDevices() {
    const r = await this.db.query<DeviceRow>(
      'SELECT site, device, kind, created_at AS "createdAt" FROM devices ORDER BY site, device',
    );
    return r.rows;
  }
  async devicesOfKind(kind: DeviceKind, sites: string[]) {
    const r = await this.db.query<{ site: string; device: string }>(
      `SELECT site, device FROM devices WHERE kind = $1 AND (cardinality($2::text[]) = 0 OR site = ANY($2))
       ORDER BY site, device`,
      [kind, sites],
    );
    return r.rows;
  }
  async createDevice(site: string, device: string, kind: DeviceKind, hash: string | null) {
    const r = await this.db.query(
      `INSERT INTO devices (site, device, kind, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site, device) DO NOTHING`,
      [site, device, kind, hash, Date.now()],
    );
    return r.rowCount === 1;
  }
  async deleteDevice(site: string, device: string) {
    const r = await this.db.query('DELETE FROM devices WHERE site = $1 AND device = $2', [site, device]);
    return r.rowCount === 1;
  }
}

interface VehicleRow {
  plate: string;
  owner: string;
  category: Vehicle['category'];
  valid_from: number | null;
  valid_until: number | null;
  sites: string[] | null;
}

const SELECT_VEHICLE = `SELECT v.plate, v.owner, v.category, v.valid_from, v.valid_until,
  ARRAY(SELECT s.site FROM vehicle_sites s WHERE s.plate = v.plate ORDER BY s.site) AS sites
  FROM vehicles v`;

function toVehicle(row: VehicleRow): Vehicle {
  return {
    plate: row.plate,
    owner: row.owner,
    category: row.category,
    ...(row.valid_from === null ? {} : { validFrom: row.valid_from }),
    ...(row.valid_until === null ? {} : { validUntil: row.valid_until }),
    sites: row.sites ?? [],
  };
}

/**
 * Serialises writers of one plate across nodes. A row lock is not enough: two first inserts of
 * a new plate would both read "no previous version" and the gates of the loser's sites would
 * never hear that it moved.
 */
async function lockPlate(c: pg.PoolClient, plate: string): Promise<void> {
  await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK, plate]);
}

class PgRegistry implements RegistryStore {
  constructor(private readonly db: pg.Pool) {}

  async get(plate: string, q: Queryable = this.db) {
    const r = await q.query<VehicleRow>(`${SELECT_VEHICLE} WHERE v.plate = $1`, [plate]);
    return r.rows[0] ? toVehicle(r.rows[0]) : undefined;
  }
  async list(q: string, limit: number, offset: number) {
    const like = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const [rows, count] = await Promise.all([
      this.db.query<VehicleRow>(
        `${SELECT_VEHICLE} WHERE v.plate LIKE $1 ESCAPE '\\' ORDER BY v.plate LIMIT $2 OFFSET $3`,
        [like, limit, offset],
      ),
      this.db.query<{ n: number }>(
        "SELECT COUNT(*)::int AS n FROM vehicles WHERE plate LIKE $1 ESCAPE '\\'",
        [like],
      ),
    ]);
    return { vehicles: rows.rows.map(toVehicle), total: count.rows[0]!.n };
  }
  upsert(v: Vehicle) {
    return inTransaction(this.db, async (c) => {
      await lockPlate(c, v.plate);
      const before = await this.get(v.plate, c);
      await c.query(
        `INSERT INTO vehicles (plate, owner, category, valid_from, valid_until, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (plate) DO UPDATE SET owner = excluded.owner, category = excluded.category,
           valid_from = excluded.valid_from, valid_until = excluded.valid_until, updated_at = excluded.updated_at`,
        [v.plate, v.owner, v.category, v.validFrom ?? null, v.validUntil ?? null, Date.now()],
      );
      await c.query('DELETE FROM vehicle_sites WHERE plate = $1', [v.plate]);
      const sites = [...new Set(v.sites)];
      if (sites.length > 0) {
        await c.query('INSERT INTO vehicle_sites (plate, site) SELECT $1, unnest($2::text[])', [
          v.plate,
          sites,
        ]);
      }
      return before;
    });
  }
  remove(plate: string) {
    return inTransaction(this.db, async (c) => {
      await lockPlate(c, plate);
      const before = await this.get(plate, c);
      if (before) await c.query('DELETE FROM vehicles WHERE plate = $1', [plate]);
      return before;
    });
  }
}

class PgAudit implements AuditStore {
  constructor(private readonly db: pg.Pool) {}

  async record(e: Omit<AuditEntry, 'id' | 'ts'> & { ts?: number }) {
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO audit (ts, actor, role, action, target, detail, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [e.ts ?? Date.now(), e.actor, e.role, e.action, e.target, e.detail.slice(0, 4000), e.outcome],
    );
    return r.rows[0]!.id;
  }
  async query(q: { from: number; to: number; actor?: string | undefined; limit: number }) {
    const r = await this.db.query<AuditEntry>(
      `SELECT * FROM audit WHERE ts >= $1 AND ts <= $2 AND ($3::text IS NULL OR actor = $3)
       ORDER BY id DESC LIMIT $4`,
      [q.from, q.to, q.actor ?? null, q.limit],
    );
    return r.rows;
  }
}

export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    types,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle client losing its server (PostgreSQL restart, failover) must not crash the node;
  // the pool replaces it and the next query reports the error to its caller.
  pool.on('error', () => undefined);
  let schemaVersion: number;
  try {
    schemaVersion = await migrate(pool, opts.schema);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return {
    kind: 'postgres',
    accounts: new PgAccounts(pool),
    registry: new PgRegistry(pool),
    audit: new PgAudit(pool),
    schemaVersion,
    close: () => pool.end(),
  };
}
