/**
 * ATSPM charts' data from `/api/history/signals` (cycle measures per phase, oldest first), shaped
 * into uPlot columns. Pure: unit-tested in Node. The chart types follow the UDOT/INDOT ATSPM
 * suite: Purdue Phase Termination, Split Monitor, Arrivals on Green.
 */
import type uPlot from 'uplot';
import { align } from '../../charts/data.ts';

export interface CyclePoint {
  ts: number;
  cycle?: number;
  lengthS?: number;
  greenS?: number;
  termination?: string;
  arrivalsOnGreen?: number;
  arrivalsOnRed?: number;
  splitFailure?: boolean;
  utilisation?: number;
}

export interface PhaseSeries {
  site: string;
  device: string;
  intersection: string;
  phase: string;
  points: CyclePoint[];
}

export interface Shaped {
  data: uPlot.AlignedData;
  labels: string[];
}

/** ATSPM's colours: gap out green, max out red, force off blue; the rest grey/yellow. */
export const TERMINATIONS = [
  { key: 'gapOut', label: 'gap out', color: '#2ecc71' },
  { key: 'maxOut', label: 'max out', color: '#e74c3c' },
  { key: 'forceOff', label: 'force off', color: '#3498db' },
  { key: 'skip', label: 'skipped', color: '#8895a3' },
  { key: 'preempt', label: 'preempt', color: '#f1c40f' },
  { key: 'hold', label: 'hold', color: '#9b59b6' },
] as const;

const phases = (series: PhaseSeries[]) =>
  [...series].sort((a, b) => Number(a.phase) - Number(b.phase)).filter((s) => s.points.length > 0);

/** Purdue Phase Termination: one point per phase and cycle at the phase number, by termination. */
export function phaseTermination(series: PhaseSeries[]): Shaped {
  const all = phases(series);
  const columns = TERMINATIONS.map((t) => {
    const pts = all.flatMap((s) =>
      s.points.filter((p) => p.termination === t.key).map((p) => ({ ts: p.ts, v: Number(s.phase) })),
    );
    return { ts: pts.map((p) => p.ts), values: pts.map((p) => p.v) };
  });
  // Two phases ending in one cycle share its timestamp: keep each on its own row by nudging the
  // later phase by a millisecond (invisible at chart scale) rather than losing one of them.
  return { data: alignNudged(columns), labels: TERMINATIONS.map((t) => t.label) };
}

function alignNudged(columns: Array<{ ts: number[]; values: number[] }>): uPlot.AlignedData {
  const used = new Set<number>();
  const nudged = columns.map((c) => {
    const ts = c.ts.map((t) => {
      let x = t;
      while (used.has(x)) x++;
      used.add(x);
      return x;
    });
    return { ts, values: c.values };
  });
  return align(nudged);
}

/** Split Monitor: green time per cycle, one series per phase. */
export function splitMonitor(series: PhaseSeries[]): Shaped {
  const all = phases(series);
  return {
    data: align(
      all.map((s) => ({ ts: s.points.map((p) => p.ts), values: s.points.map((p) => p.greenS ?? null) })),
    ),
    labels: all.map((s) => `Φ${s.phase}`),
  };
}

/** Arrivals on green, % of the cycle's arrivals per phase (cycles with no arrival have no point). */
export function arrivalsOnGreen(series: PhaseSeries[]): Shaped {
  const all = phases(series);
  return {
    data: align(
      all.map((s) => ({
        ts: s.points.map((p) => p.ts),
        values: s.points.map((p) => {
          const total = (p.arrivalsOnGreen ?? 0) + (p.arrivalsOnRed ?? 0);
          return total === 0 ? null : (100 * (p.arrivalsOnGreen ?? 0)) / total;
        }),
      })),
    ),
    labels: all.map((s) => `Φ${s.phase}`),
  };
}

const PALETTE = ['#3498db', '#2ecc71', '#e67e22', '#9b59b6', '#1abc9c', '#e74c3c', '#f1c40f', '#95a5a6'];
export const phaseColor = (i: number) => PALETTE[i % PALETTE.length]!;
