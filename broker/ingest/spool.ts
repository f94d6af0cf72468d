/**
 * On-disk spool for batches InfluxDB could not take (SQLite, WAL). Bounded by points: when full,
 * the oldest batches go first and are counted, so a months-long outage cannot fill the disk.
 *
 * The spool is read back after a restart, so it is treated as untrusted input: a row that is not
 * JSON or holds something that is not a point is handed back as `corrupt` (to be dead-lettered)
 * instead of failing the drain forever, and a file that is not a SQLite database is moved aside.
 */
import { existsSync, renameSync } from 'node:fs';
import type { IPoint } from 'influx';
import { openDb } from '../db/sqlite.ts';
import type { Db } from '../db/sqlite.ts';

export interface SpooledBatch {
  id: number;
  points: IPoint[];
  /** Entries of the row that are not points (kept out of `points`). */
  corrupt: { point: unknown; reason: string }[];
}

/** Dead letters kept on disk (oldest deleted first). */
const MAX_DEAD_LETTERS = 100_000;

export class Spool {
  private readonly db: Db;
  private pointCount: number;

  constructor(
    file: string,
    private readonly maxPoints: number,
    private readonly onDropped: (points: number) => void,
    onCorruptFile: (movedTo: string, reason: string) => void = () => {},
  ) {
    try {
      this.db = Spool.open(file);
    } catch (e) {
      if (!existsSync(file)) throw e;
      const aside = `${file}.corrupt-${Date.now()}`;
      renameSync(file, aside);
      for (const ext of ['-wal', '-shm']) if (existsSync(file + ext)) renameSync(file + ext, aside + ext);
      onCorruptFile(aside, (e as Error).message);
      this.db = Spool.open(file);
    }
    this.pointCount = (
      this.db.prepare('SELECT COALESCE(SUM(points), 0) AS n FROM spool').get() as { n: number }
    ).n;
  }

  private static open(file: string): Db {
    const db = openDb(file);
    try {
      db.exec(
        `CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT, points INTEGER NOT NULL, body TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS dead_letter (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
           code TEXT NOT NULL, reason TEXT NOT NULL, body TEXT NOT NULL)`,
      );
      db.prepare('SELECT COUNT(*) FROM spool').get(); // a damaged file fails here, not mid-drain
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get points(): number {
    return this.pointCount;
  }

  get batches(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM spool').get() as { n: number }).n;
  }

  push(points: IPoint[]): void {
    this.db
      .prepare('INSERT INTO spool (points, body) VALUES (?, ?)')
      .run(points.length, JSON.stringify(points));
    this.pointCount += points.length;
    while (this.pointCount > this.maxPoints) {
      const oldest = this.oldest();
      if (!oldest) break;
      this.remove(oldest.id);
      this.onDropped(oldest.points.length + oldest.corrupt.length);
    }
  }

  oldest(): SpooledBatch | undefined {
    const row = this.db.prepare('SELECT id, body FROM spool ORDER BY id LIMIT 1').get() as
      | { id: number; body: string }
      | undefined;
    return row ? { id: row.id, ...parseBody(row.body) } : undefined;
  }

  /** What is left of a batch after part of it was written or refused. */
  replace(id: number, points: IPoint[]): void {
    const old = this.db.prepare('SELECT points FROM spool WHERE id = ?').get(id) as
      | { points: number }
      | undefined;
    if (!old) return;
    this.db
      .prepare('UPDATE spool SET points = ?, body = ? WHERE id = ?')
      .run(points.length, JSON.stringify(points), id);
    this.pointCount += points.length - old.points;
  }

  remove(id: number): void {
    const row = this.db.prepare('DELETE FROM spool WHERE id = ? RETURNING points').get(id) as
      | { points: number }
      | undefined;
    if (row) this.pointCount -= row.points;
  }

  /** Keeps a refused point or message on disk for operators (bounded). */
  deadLetter(code: string, reason: string, body: unknown): void {
    this.db
      .prepare('INSERT INTO dead_letter (at, code, reason, body) VALUES (?, ?, ?, ?)')
      .run(Date.now(), code, reason, JSON.stringify(body ?? null).slice(0, 64 * 1024));
    this.db
      .prepare('DELETE FROM dead_letter WHERE id <= (SELECT MAX(id) FROM dead_letter) - ?')
      .run(MAX_DEAD_LETTERS);
  }

  deadLetters(limit = 100): { at: number; code: string; reason: string; body: string }[] {
    return this.db
      .prepare('SELECT at, code, reason, body FROM dead_letter ORDER BY id DESC LIMIT ?')
      .all(limit) as { at: number; code: string; reason: string; body: string }[];
  }

  close(): void {
    this.db.close();
  }
}

const TIMESTAMP = /^\d{1,19}$/;

/** The one shape node-influx can serialise; anything else would throw on every retry. */
function isPoint(p: unknown): p is IPoint {
  if (typeof p !== 'object' || p === null) return false;
  const { measurement, fields, tags, timestamp } = p as Record<string, unknown>;
  if (typeof measurement !== 'string' || measurement.length === 0) return false;
  if (typeof timestamp !== 'string' || !TIMESTAMP.test(timestamp)) return false;
  if (typeof fields !== 'object' || fields === null) return false;
  const values = Object.values(fields);
  if (values.length === 0 || !values.every((v) => ['number', 'string', 'boolean'].includes(typeof v)))
    return false;
  if (tags === undefined) return true;
  return typeof tags === 'object' && tags !== null && Object.values(tags).every((v) => typeof v === 'string');
}

function parseBody(body: string): Omit<SpooledBatch, 'id'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return {
      points: [],
      corrupt: [{ point: body.slice(0, 512), reason: `not JSON: ${(e as Error).message}` }],
    };
  }
  if (!Array.isArray(parsed))
    return { points: [], corrupt: [{ point: parsed, reason: 'not a list of points' }] };
  const out: Omit<SpooledBatch, 'id'> = { points: [], corrupt: [] };
  for (const p of parsed) {
    if (isPoint(p)) out.points.push(p);
    else out.corrupt.push({ point: p, reason: 'not a point (measurement, fields, ns timestamp)' });
  }
  return out;
}
