/**
 * History over the picked window (uPlot, from InfluxDB): occupancy of every car park, and the
 * ATSPM charts of the intersection the engineer picks.
 */
import { useState } from 'preact/hooks';
import type { Session } from '../api.ts';
import { DEFAULT_RANGE } from '../charts/data.ts';
import { RangePicker } from '../charts/RangePicker.tsx';
import { type CityState, overview } from '../state.ts';
import { OccupancyChart } from './occupancy.tsx';
import { AtspmCharts } from './signals/AtspmCharts.tsx';

export function HistoryView({ city, session }: { city: CityState; session: Session }) {
  const { lots, intersections } = overview(city);
  const [range, setRange] = useState(DEFAULT_RANGE);
  const keys = intersections.map((i) => `${i.device.site}/${i.device.device}/${i.id}`);
  const [picked, setPicked] = useState<string | null>(null);
  const key = picked && keys.includes(picked) ? picked : (keys[0] ?? null);
  const [site = '', device = '', id = ''] = key?.split('/') ?? [];
  return (
    <section data-testid="history">
      <h2>History</h2>
      <RangePicker value={range} onChange={setRange} />
      <h3>Occupancy</h3>
      {lots.length === 0 && <p class="muted">No car park reporting yet.</p>}
      <div class="charts-grid">
        {lots.map((l) => (
          <OccupancyChart session={session} site={l.site} lot={l.device} range={range} />
        ))}
      </div>
      {key && (
        <>
          <label>
            intersection{' '}
            <select
              value={key}
              data-testid="history-intersection"
              onChange={(e) => setPicked((e.target as HTMLSelectElement).value)}
            >
              {keys.map((k) => (
                <option value={k}>{k}</option>
              ))}
            </select>
          </label>
          <AtspmCharts session={session} site={site} device={device} id={id} range={range} />
        </>
      )}
    </section>
  );
}
