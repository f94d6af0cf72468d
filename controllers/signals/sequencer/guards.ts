/** Named guards and delays of the sequencer, as pure functions of the context. */
import type { PhasePlan } from '../config.ts';
import { activePreempt, pendingPreempts } from './actions.ts';
import type { SequencerContext, SequencerEvent } from './context.ts';
import { minus, nextFor, ringsAdvancing } from './stages.ts';

const plans = (ctx: SequencerContext, ids: number[]): PhasePlan[] =>
  ctx.config.phases.filter((p) => ids.includes(p.id));
const maxOf = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);

export const conflictingDemand = (ctx: SequencerContext): boolean => nextFor(ctx) !== null;
export const preemptPending = (ctx: SequencerContext): boolean => pendingPreempts(ctx).length > 0;
const normalMay = (ctx: SequencerContext): boolean =>
  !preemptPending(ctx) && ctx.hold === null && !ctx.flashRequested;
const served = (ctx: SequencerContext): boolean => ctx.flags.minDone && ctx.flags.pedDone;

/**
 * The phases the next actuated termination ends (NEMA TS2 dual-ring operation, FHWA STM ch. 5):
 * a ring that moves on within the barrier terminates its own phase on its own timers; when the
 * barrier is crossed next, every ring must be done (simultaneous gap-out), so all green phases count.
 */
export const terminating = (ctx: SequencerContext): number[] => {
  const advancing = ringsAdvancing(ctx);
  return advancing.length > 0 ? advancing : ctx.green;
};
/** Green phases whose own min green has not been confirmed yet in this green. */
export const minPendingPhases = (ctx: SequencerContext): number[] => minus(ctx.green, ctx.minConfirmed);
/** Min (per phase) and ped clearance done for the phases that would terminate: never cut either. */
const readyToTerminate = (ctx: SequencerContext): boolean =>
  ctx.flags.pedDone && minus(terminating(ctx), ctx.minConfirmed).length === 0;
/** The next per-phase min end (ms into the green) among the phases still timing their min. */
export const nextMinEndMs = (ctx: SequencerContext): number => {
  const ends = plans(ctx, minPendingPhases(ctx)).map((p) => p.minGreenMs);
  return ends.length > 0 ? Math.max(ctx.minTimedMs, Math.min(...ends)) : ctx.minTimedMs;
};

/**
 * A failed detector's phase extends like a constant call (the fail-safe output of a loop amplifier),
 * i.e. it times to max: stuck-on loops are mostly queues that never clear, and min recall would cut
 * that queue to min green every cycle and keep the loop faulted.
 * Only the terminating phases' detectors count: a through's traffic no longer extends its left.
 */
const greenOccupied = (ctx: SequencerContext): boolean => {
  const ids = terminating(ctx);
  return (
    Object.values(ctx.occupied).some((o) => o.extends.some((id) => ids.includes(id))) ||
    plans(ctx, ids).some((p) => p.recall === 'max') ||
    ctx.faultRecall.some((id) => ids.includes(id))
  );
};

export const guards = {
  conflictingDemand,
  preemptPending,
  /** The EV's phases already include everything green: dwell without a change interval (green extension). */
  preemptDwellNow: (ctx: SequencerContext) => {
    const head = activePreempt(ctx);
    return head !== undefined && minus(ctx.green, head.phases).length === 0;
  },
  /** Min green (or, when the ETA is short, the preempt minimum) and ped clearance done: force off. */
  preemptForceOff: (ctx: SequencerContext) => {
    const head = activePreempt(ctx);
    if (!head || !ctx.flags.pedDone) return false;
    return ctx.flags.minDone || (head.urgent && ctx.flags.preemptMinDone);
  },
  flashForceOff: (ctx: SequencerContext) => ctx.flashRequested && !preemptPending(ctx) && served(ctx),
  flashNow: (ctx: SequencerContext) => ctx.flashRequested && ctx.green.length === 0,
  holdReached: (ctx: SequencerContext) =>
    ctx.hold !== null && !preemptPending(ctx) && ctx.green.includes(ctx.hold),
  holdForceOff: (ctx: SequencerContext) => ctx.hold !== null && !preemptPending(ctx) && served(ctx),
  /**
   * A call has stood past its max wait: end the running greens as soon as their own min green and
   * ped clearance allow (a force-off, as a coordinator's), so the starved phase is reached next.
   */
  maxWaitForceOff: (ctx: SequencerContext) =>
    normalMay(ctx) &&
    ctx.starved.some((id) => !ctx.green.includes(id)) &&
    readyToTerminate(ctx) &&
    conflictingDemand(ctx),
  maxOut: (ctx: SequencerContext) =>
    normalMay(ctx) && ctx.flags.maxExpired && readyToTerminate(ctx) && conflictingDemand(ctx),
  gapOut: (ctx: SequencerContext) =>
    normalMay(ctx) && ctx.flags.gapExpired && readyToTerminate(ctx) && conflictingDemand(ctx),
  minAllConfirmed: (ctx: SequencerContext) => minPendingPhases(ctx).length === 0,
  greenOccupied,
  extendsGreen: (ctx: SequencerContext, e: SequencerEvent) => {
    const ids = terminating(ctx);
    return e.type === 'detector.on' && e.extends.some((id) => ids.includes(id));
  },
  /** A detector extending any green phase went off: re-check whether the terminating phases are held. */
  releasesGreen: (ctx: SequencerContext, e: SequencerEvent) =>
    e.type === 'detector.off' && (ctx.occupied[e.id]?.extends.some((id) => ctx.green.includes(id)) ?? false),
  pedServed: (ctx: SequencerContext) => ctx.pedServing.length > 0,
  pedRecyclable: (ctx: SequencerContext, e: SequencerEvent) =>
    e.type === 'ped.call' &&
    ctx.green.includes(e.phase) &&
    plans(ctx, [e.phase])[0]?.pedWalkMs !== undefined &&
    !preemptPending(ctx) &&
    !conflictingDemand(ctx),
  activePreemptCleared: (ctx: SequencerContext) => ctx.preempts[0]?.cleared === true,
};

export const delays = {
  startupFlash: (ctx: SequencerContext) => ctx.config.startup.flashMs,
  startupAllRed: (ctx: SequencerContext) => ctx.config.startup.allRedMs,
  /** Time to the next per-phase min end (each phase's own min, NEMA TS2), stepped by the min region. */
  minGreen: (ctx: SequencerContext) => nextMinEndMs(ctx) - ctx.minTimedMs,
  /** The largest configured preempt minimum (never cut below any of them), capped by the min green. */
  preemptMinGreen: (ctx: SequencerContext) =>
    Math.min(
      maxOf(plans(ctx, minPendingPhases(ctx)).map((p) => p.minGreenMs)),
      maxOf(ctx.config.preemption.map((p) => p.preemptMinGreenMs)),
    ),
  /** The terminating phases' own passage: a partner ring's passage no longer holds a phase. */
  passage: (ctx: SequencerContext) => maxOf(plans(ctx, terminating(ctx)).map((p) => p.passageMs)),
  /**
   * The stage times to its longest max, except that a phase whose ring moves on within the barrier
   * ends at its own max: otherwise a left (max 15 s) paired with a through (max 40 s) runs 40 s
   * while its own through waits, lengthening every saturated cycle. The other rings carry over.
   */
  maxGreen: (ctx: SequencerContext) => {
    const ids = ctx.started.length > 0 ? ctx.started : ctx.green;
    const own = (id: number) => ctx.maxGreenMs[id] ?? 0;
    const advancing = ringsAdvancing(ctx).filter((id) => ids.includes(id));
    if (advancing.length > 0) return Math.min(...advancing.map(own));
    return maxOf(ids.map(own));
  },
  pedWalk: (ctx: SequencerContext) => maxOf(plans(ctx, ctx.pedServing).map((p) => p.pedWalkMs ?? 0)),
  pedClearance: (ctx: SequencerContext) =>
    maxOf(plans(ctx, ctx.pedServing).map((p) => p.pedClearanceMs ?? 0)),
  /** The longest yellow of the clearing phases: a shorter one is lengthened, never the reverse. */
  yellow: (ctx: SequencerContext) => maxOf(plans(ctx, ctx.clearing).map((p) => p.yellowMs)),
  redClearance: (ctx: SequencerContext) => maxOf(plans(ctx, ctx.clearing).map((p) => p.redClearanceMs)),
  dwellMin: (ctx: SequencerContext) => {
    const head = ctx.preempts[0];
    return head ? Math.max(head.dwellMs, head.minDurationMs) : 0;
  },
};
