/** Generator B's own seeded randomness (shared mulberry32 core, its own helpers). */
import { mulberry32 } from '../../core/random.ts';

export interface Rand {
  u(): number;
  range(a: number, b: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  normal(): number;
}

export function rand(seed: number): Rand {
  const u = mulberry32((seed ^ 0x5bd1e995) >>> 0 || 1);
  return {
    u,
    range: (a, b) => a + (b - a) * u(),
    pick: (xs) => xs[Math.floor(u() * xs.length)]!,
    chance: (p) => u() < p,
    normal: () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()),
  };
}
