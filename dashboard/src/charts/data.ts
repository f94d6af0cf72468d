/**
 * Pure shaping of history rows into uPlot's aligned columns, and the time ranges an operator can
 * pick. Kept free of the DOM so it is unit-tested in Node.
 */
import type uPlot from 'uplot';

/** One line, point set or bar set: timestamps (ms) and values, in any order. */
export interface Points {
  ts: number[];
  values: Array<number | null>;
}

/**
 * uPlot wants one shared, sorted x column and one y column per series with `null` where a series
 * has no sample. Rows of several series (phases, lots) at different times are merged here.
 */
export function align(series: Points[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.ts))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const col: Array<number | null> = new Array(xs.length).fill(null);
    s.ts.forEach((t, i) => {
      col[index.get(t)!] = s.values[i] ?? null;
    });
    return col;
  });
  return [xs, ...columns];
}

export interface TimeRange {
  label: string;
  ms: number;
  /** Which store answers best: raw samples for short windows, roll-ups for long ones. */
  interval: 'raw' | '1m' | '15m';
}

export const RANGES: readonly TimeRange[] = [
  { label: '15 min', ms: 15 * 60_000, interval: 'raw' },
  { label: '1 h', ms: 3600_000, interval: 'raw' },
  { label: '6 h', ms: 6 * 3600_000, interval: '1m' },
  { label: '24 h', ms: 24 * 3600_000, interval: '15m' },
];

export const DEFAULT_RANGE = RANGES[1]!;

/** Tick label for a time axis: minutes for windows up to a day, with seconds for the shortest. */
export function timeTick(ts: number, spanMs: number): string {
  const opts: Intl.DateTimeFormatOptions =
    spanMs <= 10 * 60_000
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { hour: '2-digit', minute: '2-digit' };
  return new Date(ts).toLocaleTimeString([], opts);
}

/** A value with its unit for axis ticks and the legend; `–` where a series has no sample. */
export function withUnit(v: number | null | undefined, unit: string, digits = 0): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const n = v.toFixed(digits);
  return unit === '%' ? `${n}%` : unit ? `${n} ${unit}` : n;
}
