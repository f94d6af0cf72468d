import { useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';
import type { CityState, HistoryRead } from '../state.ts';
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
      <h2>Live events</h2>
      <EventTable items={city.feed} />
    </section>
  );
}
