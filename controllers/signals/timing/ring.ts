import type { PhaseTiming, RingBarrier, TimingLayout } from './types.ts';

/** The phases of ring `ring` that sit in barrier group `barrier`, in ring order. */
export function ringPhasesInBarrier(rb: RingBarrier, ring: number, barrier: number): number[] {
  const members = new Set(rb.barriers[barrier] ?? []);
  return (rb.rings[ring] ?? []).filter((p) => members.has(p));
}

export function phaseById(layout: TimingLayout): Map<number, PhaseTiming> {
  return new Map(layout.phases.map((p) => [p.id, p]));
}

/** Clearance (yellow + all-red) of a phase in seconds. */
export function clearanceS(p: PhaseTiming): number {
  return p.yellowS + p.allRedS;
}

/**
 * Checks that every ring phase exists, belongs to exactly one barrier group, and that each
 * ring visits the barrier groups in order (NEMA TS 2 ring/barrier rule).
 */
export function validateRingBarrier(layout: TimingLayout): string | undefined {
  const byId = phaseById(layout);
  const barrierOf = new Map<number, number>();
  layout.barriers.forEach((ps, b) => {
    for (const p of ps) barrierOf.set(p, b);
  });
  for (const ring of layout.rings) {
    let last = -1;
    for (const p of ring) {
      if (!byId.has(p)) return `phase ${p} in a ring has no timing`;
      const b = barrierOf.get(p);
      if (b === undefined) return `phase ${p} is in no barrier group`;
      if (b < last) return `phase ${p} crosses a barrier backwards`;
      last = b;
    }
  }
  return undefined;
}
