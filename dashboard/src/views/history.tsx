import { useEffect, useState } from 'preact/hooks';
import { api, type LotSeries, type Session } from '../api.ts';
import { type CityState, overview } from '../state.ts';

const W = 720;
const H = 200;

/** Occupancy over time as an SVG line chart (no chart library needed for two lines). */
function Chart({ series }: { series: LotSeries }) {
  const pts = series.points;
  if (pts.length < 2) return <p class="muted">Not enough history yet ({pts.length} points).</p>;
  const t0 = pts[0]!.ts;
  const t1 = pts[pts.length - 1]!.ts;
  const max = Math.max(1, ...pts.map((p) => p.total));
  const x = (ts: number) => ((ts - t0) / Math.max(1, t1 - t0)) * W;
  const y = (v: number) => H - (v / max) * H;
  const line = (key: 'occupied' | 'available') =>
    pts.map((p) => `${x(p.ts).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label={`occupancy of ${series.lot}`}>
      <polyline points={line('occupied')} class="occupied" />
      <polyline points={line('available')} class="available" />
      <text x="4" y="14">
        {max} bays · {new Date(t0).toLocaleTimeString()} – {new Date(t1).toLocaleTimeString()}
      </text>
    </svg>
  );
}

export function HistoryView({ city, session }: { city: CityState; session: Session }) {
  const lots = overview(city).lots;
  const [series, setSeries] = useState<LotSeries[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [interval, setInterval] = useState('1m');
  const key = lots.map((l) => `${l.site}/${l.device}`).join(',');
  useEffect(() => {
    const from = Date.now() - 6 * 3600_000;
    Promise.all(
      lots.map((l) =>
        api.get<{ series: LotSeries[] }>(
          session,
          `/api/history/lots?${new URLSearchParams({ site: l.site, lot: l.device, from: String(from), interval })}`,
        ),
      ),
    )
      .then((all) => {
        setSeries(all.flatMap((a) => a.series));
        setError(null);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [key, interval, session]);
  return (
    <section>
      <h2>Occupancy, last 6 hours</h2>
      <select value={interval} onChange={(e) => setInterval((e.target as HTMLSelectElement).value)}>
        <option value="raw">raw</option>
        <option value="1m">1 minute</option>
        <option value="15m">15 minutes</option>
      </select>
      {error && <p class="error">{error}</p>}
      {series.map((s) => (
        <div>
          <h3>
            {s.site} / {s.lot}
          </h3>
          <Chart series={s} />
        </div>
      ))}
    </section>
  );
}
