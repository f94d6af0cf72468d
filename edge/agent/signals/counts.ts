/**
 * 15-minute classified counts (`…/signals/{intersection}/counts`) from the controller's count
 * stations. The controller reports a vehicle's arrival (`onCount`, rising edge); its class needs
 * the loop occupancy, so the vehicle is counted when it leaves the loop (falling edge), in the
 * period in which it left. Periods are aligned to wall-clock quarter hours (HCM analysis period);
 * the first period after start is partial and says so only through `periodStart`.
 */
import type { CountEvent, IntersectionConfig } from '../../../controllers/signals/index.ts';
import {
  classifyLength,
  createCounter,
  lengthFromOccupancy,
  type VehicleClass,
} from '../../../controllers/signals/timing/index.ts';
import type { Data } from '../../../core/contract/index.ts';
import type { FeatureContext } from '../feature.ts';

/** Contract period (15 min). */
export const PERIOD_S = 900;
const PERIOD_MS = PERIOD_S * 1000;
/** One loop measures time, not speed: assume the urban 50 km/h (same default as adaptive timing). */
const ASSUMED_SPEED_MPS = 50 / 3.6;
/** 6 ft × 6 ft loop ≈ 1.8 m (same default as adaptive timing). */
const LOOP_LENGTH_M = 1.8;

export interface CountStations {
  /** Every detector edge the controller sees (falling edges close a counted vehicle). */
  edge(detectorId: string, on: boolean): void;
  stop(): void;
}

interface Station {
  direction: string;
  lane?: number;
  movement?: string;
}

export function startCountStations(
  ctx: FeatureContext,
  config: IntersectionConfig,
  onCount: (fn: (c: CountEvent) => void) => () => void,
  publish: (data: Data<'counts'>, atEpochMs: number) => void,
): CountStations {
  const stations = stationsOf(config);
  /** Arrival time (monotonic ms) of the vehicle now on each count loop. */
  const arrived = new Map<string, number>();
  let counter = createCounter();
  const unsubscribe = onCount((c) => {
    arrived.set(c.detectorId, c.timestampMs);
  });

  let timer: unknown = null;
  const schedule = () => {
    const now = ctx.nowEpochMs();
    timer = ctx.clock.setTimeout(close, PERIOD_MS - (now % PERIOD_MS));
  };
  const close = () => {
    // Round, not floor: a timer that fires a few ms early still closes the period it was set for.
    const end = Math.round(ctx.nowEpochMs() / PERIOD_MS) * PERIOD_MS;
    const done = counter;
    counter = createCounter();
    publish({ periodStart: end - PERIOD_MS, periodS: PERIOD_S, counts: rows(done, stations) }, end);
    schedule();
  };
  schedule();

  return {
    edge(detectorId, on) {
      const since = arrived.get(detectorId);
      if (on || since === undefined) return;
      arrived.delete(detectorId);
      const occupancyS = (ctx.clock.now() - since) / 1000;
      const cls = classifyLength(lengthFromOccupancy(ASSUMED_SPEED_MPS, occupancyS, LOOP_LENGTH_M));
      counter.record(detectorId, cls, ctx.nowEpochMs());
    },
    stop() {
      unsubscribe();
      if (timer !== null) ctx.clock.clearTimeout(timer);
    },
  };
}

/** Count stations by detector id, with the direction/lane/movement the contract reports. */
function stationsOf(config: IntersectionConfig): Map<string, Station> {
  const out = new Map<string, Station>();
  for (const d of config.detectors) {
    if (d.kind !== 'count') continue;
    const phase = config.phases.find((p) => d.calls.includes(p.id));
    out.set(d.id, {
      direction: (d.direction ?? phase?.approach ?? 'unknown').slice(0, 16),
      ...(d.lane === undefined ? {} : { lane: d.lane }),
      ...(phase?.movement ? { movement: phase.movement } : {}),
    });
  }
  return out;
}

/** Non-zero (detector, class) rows; an empty list is an observed zero, not missing data. */
function rows(counter: ReturnType<typeof createCounter>, stations: Map<string, Station>) {
  const out: Data<'counts'>['counts'] = [];
  const total = new Map<string, Record<VehicleClass, number>>();
  for (const bin of counter.bins()) {
    for (const [detector, byClass] of Object.entries(bin.counts)) {
      const t = total.get(detector) ?? { motorcycle: 0, car: 0, van: 0, heavy: 0 };
      for (const [cls, n] of Object.entries(byClass) as [VehicleClass, number][]) t[cls] += n;
      total.set(detector, t);
    }
  }
  for (const [detector, byClass] of total) {
    const s = stations.get(detector) ?? { direction: 'unknown' };
    for (const [vehicleClass, count] of Object.entries(byClass) as [VehicleClass, number][]) {
      if (count > 0) out.push({ detector: detector.slice(0, 64), ...s, vehicleClass, count });
    }
  }
  return out;
}
