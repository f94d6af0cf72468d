import { mulberry32 } from '../../core/random.ts';

/** Seeded PRNG (mulberry32): frames must be identical for a given seed across runs and machines. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  float(min: number, max: number): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** Standard normal (Box–Muller). */
  gauss(): number;
}

export function createRng(seed: number): Rng {
  // Seed 0 would start mulberry32 from state 0; keep the generator's historical non-zero default.
  const next = mulberry32(seed >>> 0 || 0x9e3779b9);
  return {
    next,
    float: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
    gauss: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}
