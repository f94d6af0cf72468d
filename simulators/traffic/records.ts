import type { Lane, Veh } from './lanes.ts';

export interface MovementRecord {
  n: number;
  meanDelayS: number;
}

export interface SimRecords {
  /** Vehicles counted (entered after warm-up, departed). EVs excluded. */
  vehicles: number;
  meanDelayS: number;
  p95DelayS: number;
  /** Share of vehicles that stopped at least once. */
  stopRate: number;
  violations: number;
  /** Σ saturation headways of departures / Σ green (protected + permissive) time. */
  greenUtilisation: number;
  maxQueueVeh: number;
  pedMeanDelayS: number;
  pedsServed: number;
  evDelays: { vehicleId: string; delayS: number }[];
  byMovement: Record<string, MovementRecord>;
  /** Vehicles still in the network when the records were taken. */
  unserved: number;
  detectorEdges: number;
}

/** Nearest-rank percentile (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Delay = actual stop-line crossing time − free-flow crossing time (HCM control delay proxy). */
export const delayOf = (v: Veh): number => (v.depS ?? Number.NaN) - v.tFfS;

export function buildRecords(
  departed: readonly Veh[],
  lanes: readonly Lane[],
  pedDelays: readonly number[],
  warmupS: number,
  unserved: number,
  detectorEdges: number,
): SimRecords {
  const counted = departed.filter((v) => v.ev === undefined && v.tEnterS >= warmupS);
  const delays = counted.map(delayOf).sort((a, b) => a - b);
  const byMovement: Record<string, MovementRecord> = {};
  for (const v of counted) {
    const m = byMovement[v.movement] ?? { n: 0, meanDelayS: 0 };
    m.meanDelayS += (delayOf(v) - m.meanDelayS) / (m.n + 1);
    m.n += 1;
    byMovement[v.movement] = m;
  }
  const green = lanes.reduce((s, l) => s + l.greenS, 0);
  const busy = lanes.reduce((s, l) => s + l.busyS, 0);
  return {
    vehicles: counted.length,
    meanDelayS: mean(delays),
    p95DelayS: percentile(delays, 0.95),
    stopRate: counted.length === 0 ? 0 : counted.filter((v) => v.stopped).length / counted.length,
    violations: counted.filter((v) => v.violation).length,
    greenUtilisation: green > 0 ? busy / green : 0,
    maxQueueVeh: Math.max(0, ...lanes.map((l) => l.maxQueue)),
    pedMeanDelayS: mean(pedDelays),
    pedsServed: pedDelays.length,
    evDelays: departed
      .filter((v) => v.ev !== undefined)
      .map((v) => ({ vehicleId: v.ev!, delayS: delayOf(v) })),
    byMovement,
    unserved,
    detectorEdges,
  };
}
