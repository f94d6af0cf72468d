/**
 * The soak's pass/fail decision: a least-squares line through each process's samples after a
 * warm-up, and "growth" when the fitted line climbs faster than a documented threshold AND the
 * climb stands out of the noise (slope more than two standard errors above zero). Pure: no I/O.
 *
 * Thresholds (per process, projected to one hour, after the warm-up):
 *  - RSS: more than max(16 MiB, 10% of the process's median RSS) per hour. A Pi 4 agent at
 *    ~100 MiB growing 16 MiB/h would fill 1 GiB of headroom in under three days.
 *  - event-loop lag p99: more than 60 ms per hour (a loop falling steadily behind).
 *  - queue depth: more than 120 items per hour (the outbox or the ingest buffer not keeping up).
 *    A queue that sits near zero with spikes is not growth; one that climbs is.
 */
import { err, ok, type Result } from '../core/ports/result.ts';

export type Metric = 'rssMiB' | 'lagP99Ms' | 'queue';

export interface Sample {
  /** Seconds since the soak started. */
  tS: number;
  process: string;
  rssMiB: number;
  /** null for processes without a Node event loop (influxd). */
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  heapUsedMiB: number | null;
  /** Outbox / ingest buffer depth; null when the process has none. */
  queue: number | null;
}

export interface Fit {
  /** Units per second. */
  slope: number;
  intercept: number;
  /** Standard error of the slope (0 with fewer than three points). */
  slopeSe: number;
  n: number;
}

/** Ordinary least squares y = intercept + slope·x. */
export function leastSquares(points: readonly (readonly [number, number])[]): Fit {
  const n = points.length;
  if (n < 2) return { slope: 0, intercept: points[0]?.[1] ?? 0, slopeSe: 0, n };
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return { slope: 0, intercept: my, slopeSe: 0, n };
  const slope = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
  const intercept = my - slope * mx;
  const sse = points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  const slopeSe = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : 0;
  return { slope, intercept, slopeSe, n };
}

export interface Thresholds {
  /** Samples before this many seconds are JIT, caches, OCR worker start: not fitted. */
  warmupS: number;
  rssMiBPerHour: number;
  rssFractionPerHour: number;
  lagMsPerHour: number;
  queuePerHour: number;
  /** Fewer fitted samples than this per process: no verdict (the run is too short). */
  minSamples: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  warmupS: 120,
  rssMiBPerHour: 16,
  rssFractionPerHour: 0.1,
  lagMsPerHour: 60,
  queuePerHour: 120,
  minSamples: 6,
};

export interface Verdict {
  process: string;
  metric: Metric;
  fit: Fit;
  /** Fitted slope per hour and the limit it was held to, in the metric's unit. */
  perHour: number;
  limitPerHour: number;
  grows: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? 0
    : ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2;
};

function limitFor(metric: Metric, values: number[], t: Thresholds): number {
  if (metric === 'rssMiB') return Math.max(t.rssMiBPerHour, t.rssFractionPerHour * median(values));
  return metric === 'lagP99Ms' ? t.lagMsPerHour : t.queuePerHour;
}

/** The verdicts, or why there are none (too few samples after the warm-up). */
export type Decision = Result<Verdict[], { code: 'E_SOAK_TOO_SHORT'; message: string }>;

/** One verdict per process and metric it reports. */
export function decide(samples: readonly Sample[], t: Thresholds = DEFAULT_THRESHOLDS): Decision {
  const verdicts: Verdict[] = [];
  const processes = [...new Set(samples.map((s) => s.process))];
  for (const process of processes) {
    const mine = samples.filter((s) => s.process === process && s.tS >= t.warmupS);
    if (mine.length < t.minSamples)
      return err({
        code: 'E_SOAK_TOO_SHORT',
        message: `${process}: ${mine.length} samples after the ${t.warmupS} s warm-up, need ${t.minSamples}`,
      });
    for (const metric of ['rssMiB', 'lagP99Ms', 'queue'] as const) {
      const pts = mine.flatMap((s) => (s[metric] === null ? [] : [[s.tS, s[metric]] as const]));
      if (pts.length < t.minSamples) continue;
      const fit = leastSquares(pts);
      const perHour = fit.slope * 3600;
      const limitPerHour = limitFor(
        metric,
        pts.map(([, y]) => y),
        t,
      );
      // Both: steeper than the limit, and steeper than zero by more than the noise allows.
      const grows = perHour > limitPerHour && fit.slope > 2 * fit.slopeSe;
      verdicts.push({ process, metric, fit, perHour, limitPerHour, grows });
    }
  }
  return ok(verdicts);
}
