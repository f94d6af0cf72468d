/**
 * One row of the broker's append-only audit log as the HTTP API serves it (`/api/audit`,
 * `/api/operations`): the broker stores it, the control room's audit view reads it.
 */
export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  role: string;
  action: string;
  target: string;
  detail: string;
  outcome: string;
}
