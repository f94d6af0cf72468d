/** Seeded PRNG so fuzz tests and simulators are reproducible (mulberry32, shared from core). */
export { mulberry32 } from '../../../core/random.ts';

export function randInt(rand: () => number, min: number, maxInclusive: number): number {
  return min + Math.floor(rand() * (maxInclusive - min + 1));
}
