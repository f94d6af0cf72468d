/** Small, fast, seedable PRNG (mulberry32, shared from core). Deterministic across platforms. */
import { mulberry32, type Rng } from '../../core/random.ts';

export { mulberry32, type Rng };

/** Independent stream per (seed, key): demand for one movement never depends on another's draws. */
export function streamFor(seed: number, key: string): Rng {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return mulberry32(h >>> 0);
}

/** Exponential inter-arrival with the given rate per second (Poisson arrivals). */
export const expS = (rng: Rng, ratePerS: number): number => -Math.log(1 - rng()) / ratePerS;

/** Standard normal via Box–Muller. */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();
