/** Occupancy over time of one car park, from InfluxDB through `/api/history/lots`. */
import { useMemo } from 'preact/hooks';
import type { LotSeries, Session } from '../api.ts';
import { align, type TimeRange } from '../charts/data.ts';
import { TimeChart } from '../charts/TimeChart.tsx';
import { useHistory } from '../charts/useHistory.ts';

export function OccupancyChart(props: { session: Session; site: string; lot: string; range: TimeRange }) {
  const { session, site, lot, range } = props;
  const h = useHistory<{ series: LotSeries[] }>(
    session,
    range.ms,
    (from, to) =>
      `/api/history/lots?${new URLSearchParams({ site, lot, from: String(from), to: String(to), interval: range.interval })}`,
    `${site}/${lot}/${range.interval}`,
  );
  // Shaped once per fetch: a new data array would make the chart redraw on each live render.
  const data = useMemo(() => {
    const pts = h.data?.series.find((s) => s.lot === lot)?.points ?? [];
    const ts = pts.map((p) => p.ts);
    return align([
      { ts, values: pts.map((p) => p.occupied) },
      { ts, values: pts.map((p) => p.available) },
      { ts, values: pts.map((p) => p.total) },
    ]);
  }, [h.data, lot]);
  return (
    <>
      {h.error && <p class="error">{h.error}</p>}
      <TimeChart
        title={`Occupancy ${site} / ${lot}`}
        testid={`occupancy-${site}-${lot}`}
        data={data}
        series={[
          { label: 'occupied', color: '#e74c3c', style: 'step' },
          { label: 'free', color: '#2ecc71', style: 'step' },
          { label: 'capacity', color: '#8895a3', style: 'step' },
        ]}
        yLabel="bays"
        unit="bays"
        yTick={(v) => (Number.isInteger(v) ? String(v) : '')}
        from={h.from}
        to={h.to}
      />
    </>
  );
}
