/**
 * The in/out log of one car park, searchable by plate: live entries and exits merged with what
 * InfluxDB holds (`/api/history/events?plate=ABC*`, a prefix search over the picked window).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from '../../api.ts';
import type { CityState } from '../../state.ts';
import { time } from '../parts.tsx';
import { apiPlate, liveLog, mergeLog, plateQuery, type StoredEvent } from './model.ts';

const WINDOW_MS = 24 * 3600_000;
const SHOWN = 100;

function useStoredLog(session: Session, site: string, device: string, q: string) {
  const [state, setState] = useState<{ rows: StoredEvent[]; error: string | null; q: string }>({
    rows: [],
    error: null,
    q: '',
  });
  useEffect(() => {
    let live = true;
    const params = new URLSearchParams({ site, device, from: String(Date.now() - WINDOW_MS), limit: '500' });
    const plate = apiPlate(q);
    if (plate) params.set('plate', plate);
    api
      .get<{ events: StoredEvent[] }>(session, `/api/history/events?${params}`)
      .then((r) => live && setState({ rows: r.events, error: null, q }))
      .catch(
        (e: unknown) => live && setState({ rows: [], error: e instanceof Error ? e.message : String(e), q }),
      );
    return () => {
      live = false;
    };
  }, [session, site, device, q]);
  return state;
}

/** The value once it has stopped changing for `ms`: one history query per search, not per key. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export function InOutLog(props: { city: CityState; session: Session; site: string; device: string }) {
  const { city, session, site, device } = props;
  const [text, setText] = useState('');
  const q = plateQuery(text);
  const stored = useStoredLog(session, site, device, useSettled(q, 250));
  const rows = mergeLog(liveLog(city.feed, site, device, q), stored.q === q ? stored.rows : []).slice(
    0,
    SHOWN,
  );
  return (
    <section class="inout">
      <h3>In/out log</h3>
      <form class="plate-search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          placeholder="plate, e.g. ABC1 or ABC1234"
          aria-label="search by plate"
          data-testid="plate-search"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <small class="muted">
          {q ? `plates starting ${q}` : 'all plates'} · last 24 h
          {stored.error && ` · history unavailable: ${stored.error}`}
        </small>
      </form>
      <table class="events" data-testid="inout">
        <thead>
          <tr>
            <th>time</th>
            <th>event</th>
            <th>lane</th>
            <th>plate</th>
            <th>decision</th>
            <th>stay</th>
            <th>note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr class={`k-${r.kind}`} data-plate={r.plate ?? ''}>
              <td>{time(r.ts)}</td>
              <td>{r.kind}</td>
              <td>{r.lane ?? ''}</td>
              <td>
                <strong>{r.plate ?? '—'}</strong>
              </td>
              <td>{r.decision ?? ''}</td>
              <td>{r.stayS === undefined ? '' : `${Math.round(r.stayS / 60)} min`}</td>
              <td>{r.reason ?? ''}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} class="muted">
                {q ? `No entry or exit of a plate starting ${q}.` : 'No entries or exits yet.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
