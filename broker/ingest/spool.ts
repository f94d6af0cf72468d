/**
 * On-disk spool for batches InfluxDB could not take (SQLite, WAL). Bounded by points: when full,
 * the oldest batches go first and are counted, so a months-long outage cannot fill the disk.
 */
import type { IPoint } from 'influx';
import { openDb } from '../db/sqlite.ts';
import type { Db } from '../db/sqlite.ts';

export class Spool {
  private readonly db: Db;
  private pointCount: number;

  constructor(
    file: string,
    private readonly maxPoints: number,
    private readonly onDropped: (points: number) => void,
  ) {
    this.db = openDb(file);
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT, points INTEGER NOT NULL, body TEXT NOT NULL)',
    );
    this.pointCount = (
      this.db.prepare('SELECT COALESCE(SUM(points), 0) AS n FROM spool').get() as { n: number }
    ).n;
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
      this.onDropped(oldest.points.length);
    }
  }

  oldest(): { id: number; points: IPoint[] } | undefined {
    const row = this.db.prepare('SELECT id, body FROM spool ORDER BY id LIMIT 1').get() as
      | { id: number; body: string }
      | undefined;
    return row ? { id: row.id, points: JSON.parse(row.body) as IPoint[] } : undefined;
  }

  remove(id: number): void {
    const row = this.db.prepare('DELETE FROM spool WHERE id = ? RETURNING points').get(id) as
      | { points: number }
      | undefined;
    if (row) this.pointCount -= row.points;
  }

  close(): void {
    this.db.close();
  }
}
