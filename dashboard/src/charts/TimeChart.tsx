/**
 * The one chart wrapper every view uses: uPlot (a small canvas library made for time series) with
 * a time x axis, a y axis with its unit, a live legend showing the values under the cursor, and
 * the window the operator picked. The tick labels actually drawn are mirrored into `data-*-ticks`
 * so the browser tests can check the axes without reading pixels.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { timeTick, withUnit } from './data.ts';

export type ChartStyle = 'line' | 'points' | 'bars' | 'step';

export interface ChartSeries {
  label: string;
  color: string;
  style?: ChartStyle;
}

export interface TimeChartProps {
  title: string;
  testid: string;
  /** `[xs (ms), ...ys]`, as from {@link align}. */
  data: uPlot.AlignedData;
  series: ChartSeries[];
  /** Y axis label and unit, e.g. "green time" and "s". */
  yLabel: string;
  unit: string;
  /** The picked window; the x axis spans it even where there is no data. */
  from: number;
  to: number;
  digits?: number;
  /** Fixed y range (e.g. 0–100 %); otherwise from the data, starting at 0. */
  yRange?: [number, number];
  /** Custom y tick labels (e.g. phase numbers as "Φ2"). */
  yTick?: (v: number) => string;
  height?: number;
}

const paths = {
  line: undefined,
  step: uPlot.paths.stepped?.({ align: 1 }),
  bars: uPlot.paths.bars?.({ size: [0.6, 24] }),
  points: () => null,
} satisfies Record<ChartStyle, uPlot.Series['paths']>;

function seriesOpts(s: ChartSeries, unit: string, digits: number): uPlot.Series {
  const style = s.style ?? 'line';
  const base: uPlot.Series = {
    label: s.label,
    stroke: s.color,
    width: 2,
    spanGaps: true,
    value: (_u, v) => withUnit(v, unit, digits),
    points: { show: style === 'points', size: 7, fill: s.color },
  };
  const p = paths[style];
  if (p) base.paths = p;
  if (style === 'bars') base.fill = `${s.color}99`;
  return base;
}

function options(p: TimeChartProps, width: number, root: HTMLElement): uPlot.Options {
  const digits = p.digits ?? 0;
  const yTick = p.yTick ?? ((v: number) => withUnit(v, p.unit, digits));
  return {
    width,
    height: p.height ?? 220,
    ms: 1,
    series: [
      { label: 'time', value: (_u, v) => (v == null ? '–' : new Date(v).toLocaleTimeString()) },
      ...p.series.map((s) => seriesOpts(s, p.unit, digits)),
    ],
    scales: {
      x: { time: true, range: () => [p.from, p.to] },
      y: {
        range: (_u, min, max) => p.yRange ?? [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)],
      },
    },
    axes: [
      {
        values: (_u, splits) => {
          const ticks = splits.map((v) => timeTick(v, p.to - p.from));
          root.dataset.xTicks = ticks.join('|');
          return ticks;
        },
        // Room for "10:55 PM" under every tick: denser ticks overlap on a laptop-width chart.
        space: 80,
        stroke: 'currentColor',
        grid: { stroke: 'rgba(128,128,128,0.2)' },
      },
      {
        label: p.unit && !p.yTick ? `${p.yLabel} (${p.unit})` : p.yLabel,
        values: (_u, splits) => {
          const ticks = splits.map(yTick);
          root.dataset.yTicks = ticks.join('|');
          return ticks;
        },
        size: 64,
        stroke: 'currentColor',
        grid: { stroke: 'rgba(128,128,128,0.2)' },
      },
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
  };
}

/** Rebuilt when the series or window change; new data alone is a cheap `setData`. */
export function TimeChart(props: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = `${props.series.map((s) => `${s.label}:${s.style}`).join(',')}|${props.from}|${props.to}|${props.unit}`;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const u = new uPlot(options(props, el.clientWidth || 600, el), props.data, el);
    chart.current = u;
    // Follow the container: a 65" wall and a laptop get the same chart at their own width.
    const resize = new ResizeObserver(() =>
      u.setSize({ width: el.clientWidth, height: props.height ?? 220 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [shape]);
  useEffect(() => {
    chart.current?.setData(props.data); // rescales y; x stays on the picked window
  }, [props.data]);
  const empty = props.data[0].length === 0;
  return (
    <figure class="chart" data-testid={props.testid} aria-label={props.title}>
      <figcaption>
        {props.title}
        {empty && <small class="muted"> · no data in this window</small>}
      </figcaption>
      <div class="chart-host" ref={host} />
    </figure>
  );
}
