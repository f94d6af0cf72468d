import { VEHICLE_CLASSES, type VehicleClass } from './classify.ts';

export type ClassCounts = Record<VehicleClass, number>;
export type MovementCounts = Record<string, ClassCounts>;

/** 15-minute counting interval (HCM peak-15-minute analysis period). */
export const BIN_MS = 15 * 60 * 1000;

export const emptyClassCounts = (): ClassCounts => ({ motorcycle: 0, car: 0, van: 0, heavy: 0 });

export const totalOf = (c: ClassCounts): number => VEHICLE_CLASSES.reduce((s, k) => s + c[k], 0);

/** Passenger-car equivalents: heavy vehicles 2.0 (HCM 2010 E_T); motorcycles 0.5 (our choice). */
export const PCE: Record<VehicleClass, number> = { motorcycle: 0.5, car: 1, van: 1, heavy: 2 };

export const pceOf = (c: ClassCounts): number => VEHICLE_CLASSES.reduce((s, k) => s + c[k] * PCE[k], 0);

export interface CycleCounts {
  cycle: number;
  startMs: number;
  endMs: number;
  counts: MovementCounts;
}

export interface BinCounts {
  startMs: number;
  counts: MovementCounts;
}

function bump(into: MovementCounts, movement: string, cls: VehicleClass): void {
  const c = into[movement] ?? emptyClassCounts();
  c[cls] += 1;
  into[movement] = c;
}

/** Counts by movement and class, per cycle and per 15-minute bin. Pure; time from callers. */
export function createCounter() {
  let cycle = 0;
  let cycleStartMs = 0;
  let current: MovementCounts = {};
  const cycles: CycleCounts[] = [];
  const bins = new Map<number, MovementCounts>();
  return {
    record(movement: string, cls: VehicleClass, tMs: number): void {
      bump(current, movement, cls);
      const bin = Math.floor(tMs / BIN_MS) * BIN_MS;
      const b = bins.get(bin) ?? {};
      bump(b, movement, cls);
      bins.set(bin, b);
    },
    /** Closes the running cycle at `tMs` and returns its counts. */
    closeCycle(tMs: number): CycleCounts {
      const done = { cycle, startMs: cycleStartMs, endMs: tMs, counts: current };
      cycles.push(done);
      cycle += 1;
      cycleStartMs = tMs;
      current = {};
      return done;
    },
    cycles: (): readonly CycleCounts[] => cycles,
    bins: (): BinCounts[] =>
      [...bins].sort((a, b) => a[0] - b[0]).map(([startMs, counts]) => ({ startMs, counts })),
  };
}

/** Hourly flow rates (PCE/h) per movement over the last `n` cycles. */
export function flowRatesPcePerHour(cycles: readonly CycleCounts[], n: number): Record<string, number> {
  const window = cycles.slice(-n);
  const spanMs = window.reduce((s, c) => s + (c.endMs - c.startMs), 0);
  const out: Record<string, number> = {};
  if (spanMs <= 0) return out;
  for (const c of window) {
    for (const [m, cc] of Object.entries(c.counts)) out[m] = (out[m] ?? 0) + pceOf(cc);
  }
  for (const m of Object.keys(out)) out[m] = (out[m]! * 3_600_000) / spanMs;
  return out;
}
