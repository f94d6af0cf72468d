import { useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';
import { type CityState, FEED_LIMIT, type FeedItem, type HistoryRead } from '../state.ts';
import { EventTable, Reviews } from './lot.tsx';
import { time } from './parts.tsx';

export function EventsView({ city, session }: { city: CityState; session: Session }) {
  const [reads, setReads] = useState<HistoryRead[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (e: Event) => {
    e.preventDefault();
    const plate = String(new FormData(e.target as HTMLFormElement).get('plate') ?? '')
      .toUpperCase()
      .replace(/[^A-Z0-9*]/g, '');
    const from = Date.now() - 7 * 24 * 3600_000;
    try {
      const q = new URLSearchParams({ from: String(from), limit: '200', ...(plate ? { plate } : {}) });
      setReads((await api.get<{ reads: HistoryRead[] }>(session, `/api/history/lpr?${q}`)).reads);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section>
      <Reviews city={city} session={session} />
      <h2>Plate log</h2>
      <form onSubmit={search}>
        <input name="plate" placeholder="plate or prefix*" />
        <button type="submit">Search last 7 days</button>
      </form>
      {error && <p class="error">{error}</p>}
      {reads && (
        <table data-testid="lpr-results">
          <tbody>
            {reads.map((r) => (
              <tr>
                <td>{time(r.ts)}</td>
                <td>
                  {r.site}/{r.device}
                </td>
                <td>{r.lane}</td>
                <td>{r.plate ?? '—'}</td>
                <td>{Math.round(r.confidence * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LiveEvents city={city} />
    </section>
  );
}

const KINDS: Array<{ kind: FeedItem['kind'] | 'all'; label: string }> = [
  { kind: 'all', label: 'everything' },
  { kind: 'parkingEvent', label: 'parking' },
  { kind: 'lprRead', label: 'plate reads' },
  { kind: 'signalAlarm', label: 'signal alarms' },
];

/** The live log (seeded from the last hour of history), narrowed by kind and by site. */
function LiveEvents({ city }: { city: CityState }) {
  const [kind, setKind] = useState<FeedItem['kind'] | 'all'>('all');
  const [site, setSite] = useState('');
  const sites = [...new Set(city.feed.map((f) => f.site))].sort();
  const items = city.feed.filter((f) => (kind === 'all' || f.kind === kind) && (!site || f.site === site));
  return (
    <>
      <h2>Live events</h2>
      <div class="filters">
        <select
          aria-label="kind"
          value={kind}
          onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}
        >
          {KINDS.map((k) => (
            <option value={k.kind}>{k.label}</option>
          ))}
        </select>
        <select
          aria-label="site"
          value={site}
          onChange={(e) => setSite((e.target as HTMLSelectElement).value)}
        >
          <option value="">all sites</option>
          {sites.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <span class="muted" data-testid="event-count">
          {items.length} of {city.feed.length} kept (newest first, at most {FEED_LIMIT})
        </span>
      </div>
      {items.length === 0 ? (
        <p class="muted">
          {city.feed.length === 0
            ? 'No event yet: entries, exits, plate reads and signal alarms appear here as they happen.'
            : 'No event matches the filter.'}
        </p>
      ) : (
        <EventTable items={items} />
      )}
    </>
  );
}
