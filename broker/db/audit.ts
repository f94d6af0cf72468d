/** Append-only audit log of every operator command and every registry/user/device change. */
import type { Db } from './sqlite.ts';
import type { AuditEntry } from '../../core/contract/audit.ts';

export type { AuditEntry };

export class AuditLog {
  constructor(private readonly db: Db) {}

  record(e: Omit<AuditEntry, 'id' | 'ts'> & { ts?: number }): number {
    const r = this.db
      .prepare(
        'INSERT INTO audit (ts, actor, role, action, target, detail, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(e.ts ?? Date.now(), e.actor, e.role, e.action, e.target, e.detail.slice(0, 4000), e.outcome);
    return Number(r.lastInsertRowid);
  }

  query(q: { from: number; to: number; actor?: string | undefined; limit: number }): AuditEntry[] {
    return this.db
      .prepare(
        `SELECT * FROM audit WHERE ts >= ? AND ts <= ? AND (? IS NULL OR actor = ?)
         ORDER BY id DESC LIMIT ?`,
      )
      .all(q.from, q.to, q.actor ?? null, q.actor ?? null, q.limit) as AuditEntry[];
  }
}
