import { expS, normal, type Rng, streamFor, uniform } from './prng.ts';
import type { DemandSpec, Turn, VehicleClass } from './types.ts';

export interface ClassSpec {
  share: number;
  lengthM: [number, number];
  /** Passenger-car equivalent for discharge headway: HCM 2010 E_T = 2.0 for heavy vehicles. */
  pce: number;
}

/** Default fleet: typical urban mix; lengths span the classification bins in controllers/…/classify.ts. */
export const DEFAULT_CLASSES: Record<VehicleClass, ClassSpec> = {
  motorcycle: { share: 0.02, lengthM: [1.7, 2.1], pce: 0.5 },
  car: { share: 0.8, lengthM: [3.7, 5.0], pce: 1 },
  van: { share: 0.12, lengthM: [5.4, 6.4], pce: 1 },
  heavy: { share: 0.06, lengthM: [8, 16], pce: 2 },
};

/** Turn headway factors: HCM 2010 f_LT = 0.95 (protected), f_RT = 0.85 (1/1.18). */
export const TURN_FACTOR: Record<Turn, number> = { through: 1, left: 0.95, right: 0.85 };

export interface Arrival {
  id: number;
  /** `${approach}.${turn}` */
  movement: string;
  approach: string;
  turn: Turn;
  cls: VehicleClass;
  lengthM: number;
  /** Own free speed factor applied to the lane group's approach speed. */
  speedFactor: number;
  /** Time the vehicle enters the approach (s). */
  tEnterS: number;
  /** Uniform draw deciding red running, fixed at generation so runs stay comparable. */
  runDraw: number;
  ev?: string;
  /** EV only: queued traffic makes way for it. */
  evYields?: boolean;
}

function pickClass(rng: Rng, mix: Record<VehicleClass, number>): VehicleClass {
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  let u = rng() * total;
  for (const [cls, share] of Object.entries(mix) as [VehicleClass, number][]) {
    u -= share;
    if (u < 0) return cls;
  }
  return 'car';
}

/**
 * Poisson arrivals per movement over [0, durationS), each movement from its own seeded stream so
 * the same seed gives the same vehicles whatever controller runs.
 */
export function generateArrivals(demand: DemandSpec, seed: number, durationS: number): Arrival[] {
  const mix = Object.fromEntries(
    (Object.keys(DEFAULT_CLASSES) as VehicleClass[]).map((c) => [
      c,
      demand.classMix?.[c] ?? DEFAULT_CLASSES[c].share,
    ]),
  ) as Record<VehicleClass, number>;
  const out: Arrival[] = [];
  for (const [movement, vph] of Object.entries(demand.vehPerHour).sort(([a], [b]) => a.localeCompare(b))) {
    if (!(vph > 0)) continue;
    const [approach = '', turn = 'through'] = movement.split('.');
    const rng = streamFor(seed, movement);
    for (let t = expS(rng, vph / 3600); t < durationS; t += expS(rng, vph / 3600)) {
      const cls = pickClass(rng, mix);
      const [lo, hi] = DEFAULT_CLASSES[cls].lengthM;
      out.push({
        id: 0,
        movement,
        approach,
        turn: turn as Turn,
        cls,
        lengthM: uniform(rng, lo, hi),
        speedFactor: Math.min(1.2, Math.max(0.8, 1 + 0.08 * normal(rng))),
        tEnterS: t,
        runDraw: rng(),
      });
    }
  }
  out.sort((a, b) => a.tEnterS - b.tEnterS || a.movement.localeCompare(b.movement));
  out.forEach((a, i) => {
    a.id = i;
  });
  return out;
}

/** Poisson pedestrian arrival times per crosswalk over [0, durationS). */
export function generatePeds(
  demand: DemandSpec,
  seed: number,
  durationS: number,
): { crosswalk: string; tS: number }[] {
  const out: { crosswalk: string; tS: number }[] = [];
  for (const [cw, pph] of Object.entries(demand.pedsPerHour ?? {})) {
    if (!(pph > 0)) continue;
    const rng = streamFor(seed, `ped:${cw}`);
    for (let t = expS(rng, pph / 3600); t < durationS; t += expS(rng, pph / 3600))
      out.push({ crosswalk: cw, tS: t });
  }
  return out.sort((a, b) => a.tS - b.tS);
}
