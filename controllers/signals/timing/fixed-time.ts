import type { Clock } from '../../../core/ports/clock.ts';
import { err, ok, type Result } from '../../../core/ports/result.ts';
import { phaseById, ringPhasesInBarrier } from './ring.ts';
import type { HeadState, Heads, PhaseTiming, TimingLayout, TimingPlan } from './types.ts';

export type Interval = 'green' | 'yellow' | 'red';

interface Slot {
  phase: number;
  startS: number;
  greenEndS: number;
  yellowEndS: number;
  endS: number;
}

/** One ring's phase slots over a cycle; the ring's last phase in a barrier absorbs slack. */
export function cycleSlots(layout: TimingLayout, plan: TimingPlan): Slot[][] {
  const byId = phaseById(layout);
  const slots: Slot[][] = layout.rings.map(() => []);
  let barrierStart = 0;
  layout.barriers.forEach((_, b) => {
    const perRing = layout.rings.map((_r, r) => ringPhasesInBarrier(layout, r, b));
    const need = (ps: number[]) =>
      ps.reduce((s, p) => s + greenOf(plan, byId.get(p)!) + clr(byId.get(p)!), 0);
    const duration = Math.max(0, ...perRing.map(need));
    perRing.forEach((ps, r) => {
      let t = barrierStart;
      const slack = duration - need(ps);
      ps.forEach((p, i) => {
        const ph = byId.get(p)!;
        const g = greenOf(plan, ph) + (i === ps.length - 1 ? slack : 0);
        slots[r]!.push({
          phase: p,
          startS: t,
          greenEndS: t + g,
          yellowEndS: t + g + ph.yellowS,
          endS: t + g + clr(ph),
        });
        t += g + clr(ph);
      });
    });
    barrierStart += duration;
  });
  return slots;
}

const clr = (p: PhaseTiming) => p.yellowS + p.allRedS;
const greenOf = (plan: TimingPlan, p: PhaseTiming) =>
  Math.max(p.minGreenS, plan.greensS[p.id] ?? p.minGreenS);

/** Length of one cycle of `plan` on this layout (s), after min greens and ring balancing. */
export function effectiveCycleS(layout: TimingLayout, plan: TimingPlan): number {
  const slots = cycleSlots(layout, plan);
  return Math.max(0, ...slots.map((ring) => ring.at(-1)?.endS ?? 0));
}

/** Interval and seconds into it for every phase at time `tInCycleS`. */
export function phaseIntervals(
  slots: Slot[][],
  tInCycleS: number,
): Map<number, { interval: Interval; sinceS: number }> {
  const out = new Map<number, { interval: Interval; sinceS: number }>();
  for (const ring of slots) {
    for (const s of ring) {
      const t = tInCycleS;
      if (t >= s.startS && t < s.greenEndS) out.set(s.phase, { interval: 'green', sinceS: t - s.startS });
      else if (t >= s.greenEndS && t < s.yellowEndS)
        out.set(s.phase, { interval: 'yellow', sinceS: t - s.greenEndS });
      else out.set(s.phase, { interval: 'red', sinceS: 0 });
    }
  }
  return out;
}

const RANK: Record<string, number> = { red: 0, dontWalk: 0, yellow: 1, yellowArrow: 1, flashingDontWalk: 1 };
/** When two phases drive one head, the more permissive display wins. */
function setHead(heads: Record<string, HeadState>, group: string, state: HeadState): void {
  const cur = heads[group];
  if (cur === undefined || (RANK[state] ?? 2) > (RANK[cur] ?? 2)) heads[group] = state;
}

/** Head states of every signal group at `tInCycleS` (pure). */
export function headsAt(layout: TimingLayout, slots: Slot[][], tInCycleS: number): Heads {
  const heads: Record<string, HeadState> = {};
  const iv = phaseIntervals(slots, tInCycleS);
  for (const p of layout.phases) {
    const cur = iv.get(p.id) ?? { interval: 'red', sinceS: 0 };
    const arrow = p.arrow === true;
    // Same vocabulary as the real controller: arrows go green arrow → yellow → red.
    const veh: HeadState =
      cur.interval === 'green'
        ? arrow
          ? 'greenArrow'
          : 'green'
        : cur.interval === 'yellow'
          ? 'yellow'
          : 'red';
    setHead(heads, p.signalGroup, veh);
    if (p.ped) {
      const walk = cur.interval === 'green' && cur.sinceS < p.ped.walkS;
      const fdw = cur.interval === 'green' && cur.sinceS < p.ped.walkS + p.ped.clearanceS;
      setHead(heads, p.ped.signalGroup, walk ? 'walk' : fdw ? 'flashingDontWalk' : 'dontWalk');
    }
  }
  for (const f of layout.fya ?? []) {
    const own = heads[f.signalGroup];
    if (own === 'greenArrow' || own === 'green' || own === 'yellow') continue;
    const opp = iv.get(f.opposingPhase)?.interval;
    heads[f.signalGroup] = opp === 'green' ? 'flashingYellowArrow' : opp === 'yellow' ? 'yellow' : 'red';
  }
  return heads;
}

export interface FixedTimeController {
  start(): void;
  stop(): void;
  heads(): Heads;
  /** Queues a plan; it takes effect at the next cycle boundary. */
  applyTiming(plan: TimingPlan): Result<void, { code: string; message: string }>;
  onCycle(cb: (info: { cycle: number; startMs: number; plan: TimingPlan }) => void): () => void;
  plan(): TimingPlan;
}

/**
 * Pretimed controller: no detection, no priority. Reads time from the injected clock, so it is
 * pure with respect to the wall clock and runs at any simulation speed.
 */
export function createFixedTimeController(
  layout: TimingLayout,
  initial: TimingPlan,
  opts: { clock: Pick<Clock, 'now'> },
): FixedTimeController {
  let plan = initial;
  let pending: TimingPlan | undefined;
  let slots = cycleSlots(layout, plan);
  let cycleMs = effectiveCycleS(layout, plan) * 1000;
  let cycleStartMs = 0;
  let cycle = 0;
  let running = false;
  const listeners = new Set<(info: { cycle: number; startMs: number; plan: TimingPlan }) => void>();

  const roll = () => {
    const now = opts.clock.now();
    while (running && cycleMs > 0 && now >= cycleStartMs + cycleMs) {
      cycleStartMs += cycleMs;
      cycle += 1;
      if (pending) {
        plan = pending;
        pending = undefined;
        slots = cycleSlots(layout, plan);
        cycleMs = effectiveCycleS(layout, plan) * 1000;
      }
      for (const cb of listeners) cb({ cycle, startMs: cycleStartMs, plan });
    }
  };

  return {
    start() {
      running = true;
      // Offset: the cycle reference point is clock zero shifted by the plan offset.
      const now = opts.clock.now();
      cycleStartMs = now - ((((now - plan.offsetS * 1000) % cycleMs) + cycleMs) % cycleMs);
    },
    stop() {
      running = false;
    },
    heads() {
      if (!running) return Object.fromEntries(layout.phases.map((p) => [p.signalGroup, 'dark']));
      roll();
      return headsAt(layout, slots, (opts.clock.now() - cycleStartMs) / 1000);
    },
    applyTiming(next) {
      if (!(next.cycleS > 0) || Object.values(next.greensS).some((g) => !(g >= 0))) {
        return err({ code: 'TIMING_BAD_PLAN', message: 'cycle and greens must be positive' });
      }
      pending = next;
      return ok();
    },
    onCycle(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    plan: () => plan,
  };
}
