/**
 * The hi-res event log an engineer scrolls: the last 15 minutes from InfluxDB
 * (`/api/history/hires`) merged with the live batches, newest first, Indiana codes decoded and
 * filterable by section.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Data } from '../../../../core/contract/index.ts';
import { api, type Session } from '../../api.ts';
import { decodeEvent, type EventGroup, GROUP_LABEL } from './indiana.ts';
import { mergeHiRes } from './model.ts';

type HiResEvent = Data<'hiRes'>['events'][number];
const SHOWN = 200;
const SEED_MS = 15 * 60_000;

function useHiResHistory(session: Session, site: string, device: string, id: string) {
  const [rows, setRows] = useState<HiResEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const q = new URLSearchParams({
      site,
      device,
      intersection: id,
      from: String(Date.now() - SEED_MS),
      limit: '500',
    });
    api
      .get<{ events: HiResEvent[] }>(session, `/api/history/hires?${q}`)
      .then((r) => live && setRows(r.events.map(({ ts, code, param }) => ({ ts, code, param }))))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [session, site, device, id]);
  return { rows, error };
}

const stamp = (ts: number) => {
  const d = new Date(ts);
  return `${d.toLocaleTimeString([], { hour12: false })}.${Math.floor(d.getMilliseconds() / 100)}`;
};

export function HiResLog(props: {
  session: Session;
  site: string;
  device: string;
  id: string;
  live: HiResEvent[] | undefined;
}) {
  const history = useHiResHistory(props.session, props.site, props.device, props.id);
  const [group, setGroup] = useState<EventGroup | 'all'>('all');
  // Recomputed when this intersection's log or the filter changes, not on every city update.
  const rows = useMemo(
    () =>
      mergeHiRes(props.live ?? [], history.rows)
        .map((e) => ({ ...e, d: decodeEvent(e.code, e.param) }))
        .filter((e) => group === 'all' || e.d.group === group)
        .slice(0, SHOWN),
    [props.live, history.rows, group],
  );
  return (
    <section class="hires">
      <h3>
        Hi-res event log <small class="muted">Indiana enumerations, newest first</small>
      </h3>
      <label>
        show{' '}
        <select value={group} onChange={(e) => setGroup((e.target as HTMLSelectElement).value as EventGroup)}>
          <option value="all">all events</option>
          {(Object.keys(GROUP_LABEL) as EventGroup[]).map((g) => (
            <option value={g}>{GROUP_LABEL[g]}</option>
          ))}
        </select>
      </label>
      {history.error && <small class="muted"> history unavailable: {history.error}</small>}
      <div class="hires-scroll">
        <table data-testid="hires">
          <thead>
            <tr>
              <th>time</th>
              <th>code</th>
              <th>event</th>
              <th>parameter</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr class={`g-${e.d.group}`} data-code={e.code}>
                <td>{stamp(e.ts)}</td>
                <td class="num">{e.code}</td>
                <td>{e.d.name}</td>
                <td>{e.d.param}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
