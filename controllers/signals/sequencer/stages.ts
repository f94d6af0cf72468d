/**
 * Pure stage selection for a NEMA ring/barrier controller: which phases turn green next, given the
 * phases green now and the phases with demand. A stage holds at most one phase per ring, all in one
 * barrier, so it is compatible by construction of the (validated) ring/barrier structure.
 */
import type { IntersectionConfig, PhasePlan } from '../config.ts';
import type { SequencerContext } from './context.ts';

const uniq = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
export const union = (a: number[], b: number[]): number[] => uniq([...a, ...b]);
export const minus = (a: number[], b: number[]): number[] => a.filter((x) => !b.includes(x));
export const sameSet = (a: number[], b: number[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

interface Lookup {
  byId: Map<number, PhasePlan>;
  recalls: number[];
  soft: number[];
}

// Derived once per configuration: guards run on every microstep, so no linear scans there.
const lookups = new WeakMap<IntersectionConfig, Lookup>();
function lookup(config: IntersectionConfig): Lookup {
  let l = lookups.get(config);
  if (!l) {
    const timed = config.phases.filter((p) => p.timed);
    l = {
      byId: new Map(config.phases.map((p) => [p.id, p])),
      recalls: timed
        .filter((p) => p.recall === 'min' || p.recall === 'max' || p.recall === 'ped')
        .map((p) => p.id),
      soft: timed.filter((p) => p.recall === 'soft').map((p) => p.id),
    };
    lookups.set(config, l);
  }
  return l;
}

function phase(config: IntersectionConfig, id: number): PhasePlan | undefined {
  return lookup(config).byId.get(id);
}

const demandMemo = new WeakMap<SequencerContext, number[]>();
const nextMemo = new WeakMap<SequencerContext, number[] | null>();

/** Phases served on demand now: calls, detector-fault recalls, min/max/ped recalls; soft recall only when idle. */
export function demand(ctx: SequencerContext): number[] {
  const cached = demandMemo.get(ctx);
  if (cached) return cached;
  const l = lookup(ctx.config);
  const occupiedCalls: number[] = [];
  for (const o of Object.values(ctx.occupied)) occupiedCalls.push(...o.calls);
  const raw = uniq([...ctx.calls, ...ctx.pedCalls, ...occupiedCalls, ...ctx.faultRecall, ...l.recalls]);
  // A left running permissive is served by its FYA, so its arrow phase is not called — unless its
  // opposing through is neither green, called nor on soft recall: nothing would show the FYA, the left
  // would wait forever.
  const shown = (id: number) => {
    const opp = phase(ctx.config, id)?.opposingThroughPhase;
    // Soft-recall phases come back whenever nothing else wants service: they show it too.
    return opp !== undefined && (ctx.green.includes(opp) || raw.includes(opp) || l.soft.includes(opp));
  };
  const all = raw.filter((id) => ctx.leftModes[id] !== 'permissive' || !shown(id));
  // Soft recall (NEMA): call the main-road phases only when no other phase wants service.
  const out = all.some((id) => !ctx.green.includes(id)) ? all : union(all, l.soft);
  demandMemo.set(ctx, out);
  return out;
}

/** `selectNext` for the context's green and demand, memoised per context object. */
export function nextFor(ctx: SequencerContext): number[] | null {
  if (nextMemo.has(ctx)) return nextMemo.get(ctx) ?? null;
  const out = selectNext(ctx.config, ctx.green, demand(ctx));
  nextMemo.set(ctx, out);
  return out;
}

/**
 * Next stage after `green`, or null when nothing else wants service (rest in green).
 * Within the barrier each ring advances to its next demanded phase (a ring with none carries its
 * phase over); otherwise cross to the next barrier with demand (dual entry fills an idle ring).
 */
export function selectNext(config: IntersectionConfig, green: number[], wanted: number[]): number[] | null {
  const nrings = config.rings.length;
  const current = green.length > 0 ? phase(config, green[0]!)?.barrier : undefined;
  if (current !== undefined) {
    const within = advanceWithinBarrier(config, green, wanted, current);
    if (within) return sameSet(within, green) ? null : within;
  }
  const nb = config.barriers.length;
  const start = current === undefined ? 0 : current + 1;
  for (let k = 0; k < nb; k++) {
    const b = (start + k) % nb;
    const stage: number[] = [];
    let any = false;
    for (let r = 0; r < nrings; r++) {
      const inBarrier = (config.rings[r] ?? []).filter((id) => phase(config, id)?.barrier === b);
      const hit = inBarrier.find((id) => wanted.includes(id));
      if (hit !== undefined) any = true;
      const dual = inBarrier.find((id) => phase(config, id)?.dualEntry);
      const pick = hit ?? dual;
      if (pick !== undefined) stage.push(pick);
    }
    if (any) return sameSet(stage, green) ? null : uniq(stage);
  }
  return null;
}

/** Green phases whose ring would move on to a demanded phase within the current barrier. */
export function ringsAdvancing(ctx: SequencerContext): number[] {
  const next = nextFor(ctx);
  if (!next) return [];
  const barrier = (id: number) => phase(ctx.config, id)?.barrier;
  const b = ctx.green.length > 0 ? barrier(ctx.green[0]!) : undefined;
  // Crossing the barrier ends every ring together: no ring advances on its own.
  if (b === undefined || next.some((id) => barrier(id) !== b)) return [];
  return minus(ctx.green, next);
}

function advanceWithinBarrier(
  config: IntersectionConfig,
  green: number[],
  wanted: number[],
  barrier: number,
): number[] | null {
  const stage: number[] = [];
  let advanced = false;
  config.rings.forEach((ring) => {
    const cur = ring.findIndex((id) => green.includes(id));
    const later = ring.slice(cur + 1).filter((id) => phase(config, id)?.barrier === barrier);
    const hit = later.find((id) => wanted.includes(id));
    if (hit !== undefined) {
      advanced = true;
      stage.push(hit);
    } else if (cur >= 0) stage.push(ring[cur]!);
  });
  return advanced ? uniq(stage) : null;
}

/** Where to rest when nothing is called: soft-recall phases, else the first barrier's dual-entry phases. */
export function restStage(config: IntersectionConfig): number[] {
  const soft = lookup(config).soft;
  if (soft.length > 0) return uniq(soft);
  return (
    selectNext(
      config,
      [],
      config.phases.filter((p) => p.timed).map((p) => p.id),
    ) ?? []
  );
}

/** Stage holding `target` plus the green phases compatible with it (manual hold). */
export function holdStage(config: IntersectionConfig, green: number[], target: number): number[] {
  const ok = (a: number) => config.compatibility[target]?.includes(a) ?? false;
  return uniq([target, ...green.filter(ok)]);
}
