/** ATSPM charts of one intersection from InfluxDB (`/api/history/signals`), on the picked window. */
import { useMemo, useState } from 'preact/hooks';
import type { Session } from '../../api.ts';
import { DEFAULT_RANGE, type TimeRange } from '../../charts/data.ts';
import { RangePicker } from '../../charts/RangePicker.tsx';
import { TimeChart } from '../../charts/TimeChart.tsx';
import { useHistory } from '../../charts/useHistory.ts';
import {
  arrivalsOnGreen,
  type PhaseSeries,
  phaseColor,
  phaseTermination,
  splitMonitor,
  TERMINATIONS,
} from './atspm.ts';

export function AtspmCharts(props: {
  session: Session;
  site: string;
  device: string;
  id: string;
  /** The window picked above a group of charts; without it the section has its own picker. */
  range?: TimeRange;
}) {
  const { session, site, device, id } = props;
  const [own, setOwn] = useState(DEFAULT_RANGE);
  const range = props.range ?? own;
  const h = useHistory<{ series: PhaseSeries[] }>(
    session,
    range.ms,
    (from, to) =>
      `/api/history/signals?${new URLSearchParams({ site, device, intersection: id, from: String(from), to: String(to), limit: '2000' })}`,
    `${site}/${device}/${id}/${range.label}`,
  );
  // Shaped once per fetch: a new data array would make every chart redraw on each live render.
  const { term, split, aog } = useMemo(() => {
    const series = h.data?.series ?? [];
    return { term: phaseTermination(series), split: splitMonitor(series), aog: arrivalsOnGreen(series) };
  }, [h.data]);
  const window = { from: h.from, to: h.to };
  return (
    <section class="atspm" data-testid="atspm">
      <h3>Performance measures (ATSPM){props.range && ` · ${id}`}</h3>
      {!props.range && <RangePicker value={range} onChange={setOwn} testid="atspm-range" />}
      {h.error && <p class="error">{h.error}</p>}
      <div class="charts-grid">
        <TimeChart
          title="Purdue phase termination"
          testid="chart-termination"
          data={term.data}
          series={TERMINATIONS.map((t) => ({ label: t.label, color: t.color, style: 'points' as const }))}
          yLabel="phase"
          unit=""
          yTick={(v) => (Number.isInteger(v) && v > 0 ? `Φ${v}` : '')}
          yRange={[0, 9]}
          {...window}
        />
        <TimeChart
          title="Split monitor (green per cycle)"
          testid="chart-split"
          data={split.data}
          series={split.labels.map((label, i) => ({ label, color: phaseColor(i), style: 'points' as const }))}
          yLabel="green"
          unit="s"
          digits={1}
          {...window}
        />
        <TimeChart
          title="Arrivals on green"
          testid="chart-aog"
          data={aog.data}
          series={aog.labels.map((label, i) => ({ label, color: phaseColor(i), style: 'line' as const }))}
          yLabel="arrivals on green"
          unit="%"
          yRange={[0, 100]}
          {...window}
        />
      </div>
    </section>
  );
}
