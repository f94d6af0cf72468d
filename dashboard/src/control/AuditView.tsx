/**
 * The audit view: who did what to which device, and what the device answered. Operators read the
 * operations log (`/api/operations`: commands, alarm acknowledgements, registry changes); admins
 * may switch to the whole audit table (`/api/audit`: logins, users, devices too). Refreshed every
 * few seconds so a command just sent shows up without a reload.
 */
import { useEffect, useState } from 'preact/hooks';
import { can, request, type Session } from '../api.ts';
import { time } from '../views/parts.tsx';
import type { AuditEntry } from '../../../core/contract/audit.ts';

const REFRESH_MS = 5000;
const WINDOWS = [
  { label: '1 h', ms: 3600_000 },
  { label: '24 h', ms: 24 * 3600_000 },
  { label: '7 days', ms: 7 * 24 * 3600_000 },
];

/** One line a person reads: the command's arguments and the device's answer, not raw JSON. */
export function summarise(e: AuditEntry): string {
  try {
    const d = JSON.parse(e.detail) as {
      args?: Record<string, unknown>;
      response?: { status: string; error?: { message: string } } | null;
      note?: string;
    };
    const args = Object.entries(d.args ?? {})
      .filter(([k]) => k !== 'by')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    const answer = d.response?.error ? ` → ${d.response.error.message}` : '';
    return `${args}${d.note ? ` ${d.note}` : ''}${answer}`.trim();
  } catch {
    return e.detail;
  }
}

export function AuditView({ session }: { session: Session }) {
  const [everything, setEverything] = useState(false);
  const [windowMs, setWindowMs] = useState(WINDOWS[1]!.ms);
  const [filter, setFilter] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!can(session, 'operator')) return; // the broker would answer 403: ask nothing
    let live = true;
    const load = async () => {
      const from = Date.now() - windowMs;
      const path = everything
        ? `/api/audit?from=${from}&limit=500`
        : `/api/operations?from=${from}&limit=500`;
      try {
        const r = await request<{ entries: AuditEntry[] }>('GET', path, session);
        if (!live) return;
        setEntries(r.entries);
        setError(null);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [session, everything, windowMs]);
  if (!can(session, 'operator'))
    return <p class="muted">The audit log is for operators and administrators.</p>;
  const f = filter.trim().toLowerCase();
  const shown = (entries ?? []).filter(
    (e) => !f || `${e.actor} ${e.action} ${e.target} ${e.detail} ${e.outcome}`.toLowerCase().includes(f),
  );
  return (
    <section>
      <h2>Audit log</h2>
      <div class="filters">
        <input
          placeholder="filter: user, command, device…"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        <select value={windowMs} onChange={(e) => setWindowMs(Number((e.target as HTMLSelectElement).value))}>
          {WINDOWS.map((w) => (
            <option value={w.ms}>last {w.label}</option>
          ))}
        </select>
        {can(session, 'admin') && (
          <label>
            <input
              type="checkbox"
              checked={everything}
              onChange={(e) => setEverything((e.target as HTMLInputElement).checked)}
            />{' '}
            logins, users and devices too
          </label>
        )}
        <span class="muted">{entries ? `${shown.length} of ${entries.length}` : 'loading…'}</span>
      </div>
      {error && <p class="error">{error}</p>}
      <table class="audit" data-testid="audit">
        <thead>
          <tr>
            <th>time</th>
            <th>who</th>
            <th>action</th>
            <th>target</th>
            <th>detail</th>
            <th>outcome</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td title={new Date(e.ts).toISOString()}>{time(e.ts)}</td>
              <td>
                {e.actor} <small class="muted">{e.role}</small>
              </td>
              <td>{e.action}</td>
              <td>{e.target}</td>
              <td class="detail">{summarise(e)}</td>
              <td class={e.outcome}>{e.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
