/** Small, fast, seedable PRNG (mulberry32). Deterministic across platforms. */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
