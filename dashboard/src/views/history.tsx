/** History: occupancy of every car park over the picked window (uPlot, from InfluxDB). */
import { useState } from 'preact/hooks';
import type { Session } from '../api.ts';
import { DEFAULT_RANGE } from '../charts/data.ts';
import { RangePicker } from '../charts/RangePicker.tsx';
import { type CityState, overview } from '../state.ts';
import { OccupancyChart } from './occupancy.tsx';

export function HistoryView({ city, session }: { city: CityState; session: Session }) {
  const lots = overview(city).lots;
  const [range, setRange] = useState(DEFAULT_RANGE);
  return (
    <section data-testid="history">
      <h2>Occupancy history</h2>
      <RangePicker value={range} onChange={setRange} />
      {lots.length === 0 && <p class="muted">No car park reporting yet.</p>}
      <div class="charts-grid">
        {lots.map((l) => (
          <OccupancyChart session={session} site={l.site} lot={l.device} range={range} />
        ))}
      </div>
    </section>
  );
}
