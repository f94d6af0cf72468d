/**
 * Context updates of the sequencer as pure functions (context, event) → partial context. The machine
 * wraps each in a named `assign` so tests can swap them with `.provide()`.
 */
import type { LeftTurnMode } from '../config.ts';
import type { ActivePreempt, SequencerContext, SequencerEvent, TerminationReason } from './context.ts';
import { holdStage, minus, nextFor, restStage, union } from './stages.ts';

type Update = Partial<SequencerContext>;

export const pendingPreempts = (ctx: SequencerContext): ActivePreempt[] =>
  ctx.preempts.filter((p) => !p.cleared);
export const activePreempt = (ctx: SequencerContext): ActivePreempt | undefined => pendingPreempts(ctx)[0];

export function trackDetectorOn(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'detector.on') return {};
  const occupied = {
    ...ctx.occupied,
    [e.id]: { calls: e.calls, extends: e.extends, nonLocking: e.nonLocking },
  };
  // A call for a phase already green is being served now (NEMA: calls register on red/yellow only).
  const latched = e.nonLocking ? [] : minus(e.calls, ctx.green);
  return { occupied, calls: union(ctx.calls, latched) };
}

export function trackDetectorOff(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'detector.off' || !(e.id in ctx.occupied)) return {};
  const { [e.id]: _gone, ...occupied } = ctx.occupied;
  return { occupied };
}

export function trackPedCall(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'ped.call') return {};
  return { pedCalls: union(ctx.pedCalls, [e.phase]) };
}

export function setFaultRecall(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'recall.fault') return {};
  return { faultRecall: e.on ? union(ctx.faultRecall, [e.phase]) : minus(ctx.faultRecall, [e.phase]) };
}

/** Queue ordered by priority then ETA; a preempt already being served keeps its place. */
export function enqueuePreempt(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'preempt.activate') return {};
  const same = ctx.preempts.find((p) => p.vehicleId === e.preempt.vehicleId);
  // A re-request from the EV being served updates it in place: it keeps the head of the queue.
  if (same?.serving)
    return {
      preempts: ctx.preempts.map((p) =>
        p === same ? { ...same, etaMs: e.preempt.etaMs, cleared: false } : p,
      ),
    };
  const rest = ctx.preempts.filter((p) => p.vehicleId !== e.preempt.vehicleId);
  const head = rest[0]?.serving ? rest.slice(0, 1) : [];
  const tail = [...rest.slice(head.length), e.preempt].sort(byUrgency(ctx));
  return { preempts: [...head, ...tail] };
}

function byUrgency(ctx: SequencerContext) {
  const prio = (p: ActivePreempt) => ctx.config.preemption.find((c) => c.id === p.preemptId)?.priority ?? 0;
  return (a: ActivePreempt, b: ActivePreempt) => prio(b) - prio(a) || a.etaMs - b.etaMs;
}

export function clearPreempt(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'preempt.clear') return {};
  return { preempts: ctx.preempts.map((p) => (p.vehicleId === e.vehicleId ? { ...p, cleared: true } : p)) };
}

/** Start the decided stage (or pick one): clears served calls and decides which peds walk. */
export function beginNextStage(ctx: SequencerContext): Update {
  const chosen = ctx.next.length > 0 ? ctx.next : (nextFor(ctx) ?? []);
  const green = chosen.length > 0 ? chosen : ctx.green.length > 0 ? ctx.green : restStage(ctx.config);
  return startGreen(ctx, green);
}

/**
 * Green entry: a phase that (re)started times its own min from now; a carried-over phase keeps a
 * confirmed min (NEMA TS2: minimum green is per phase, not per stage).
 */
export function resetGreenTiming(ctx: SequencerContext): Update {
  return {
    minConfirmed: minus(
      ctx.minConfirmed.filter((id) => ctx.green.includes(id)),
      ctx.started,
    ),
    minTimedMs: 0,
    flags: { minDone: false, preemptMinDone: false, gapExpired: false, maxExpired: false, pedDone: true },
  };
}

/** The min region reached `minEndMs` into the green: every phase whose own min has elapsed is confirmed. */
export function confirmMinGreens(ctx: SequencerContext, minEndMs: number): Update {
  const done = ctx.config.phases
    .filter((p) => ctx.green.includes(p.id) && p.minGreenMs <= minEndMs)
    .map((p) => p.id);
  return { minTimedMs: minEndMs, minConfirmed: union(ctx.minConfirmed, done) };
}

function startGreen(ctx: SequencerContext, green: number[]): Update {
  const started = minus(green, ctx.green);
  const pedRecall = ctx.config.phases.filter((p) => p.recall === 'ped').map((p) => p.id);
  // Walk is not started while an EV is being brought in: the ped call waits for the next service.
  const pedWanted = pendingPreempts(ctx).length > 0 ? [] : union(ctx.pedCalls, pedRecall);
  const pedServing = started.filter((id) => pedWanted.includes(id) && hasPed(ctx, id));
  return {
    green,
    started,
    clearing: [],
    next: [],
    calls: minus(ctx.calls, green),
    pedCalls: minus(ctx.pedCalls, pedServing),
    pedServing,
    preempts: ctx.preempts.filter((p) => !p.cleared),
    starved: minus(ctx.starved, green),
    ...applyLeftModes(ctx, green),
  };
}

const hasPed = (ctx: SequencerContext, id: number) =>
  ctx.config.phases.find((p) => p.id === id)?.pedWalkMs !== undefined;

/** Ped recycle: a ped call for a phase resting in green gets a new walk. */
export function recyclePed(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'ped.call') return {};
  return { pedServing: [e.phase], pedCalls: minus(ctx.pedCalls, [e.phase]) };
}

export function beginDwell(ctx: SequencerContext): Update {
  const head = activePreempt(ctx);
  if (!head) return {};
  const update = startGreen(ctx, head.phases);
  const [first, ...others] = update.preempts ?? [];
  const preempts = first ? [{ ...first, serving: true }, ...others] : [];
  // The dwell's own minimum stands in for min green on exit (as before per-phase timing).
  return { ...update, preempts, pedServing: [], termination: null, minConfirmed: head.phases };
}

/** End green for the phases not in `next`; they time yellow then red clearance. */
function terminate(ctx: SequencerContext, next: number[], reason: TerminationReason): Update {
  const clearing = minus(ctx.green, next);
  const green = ctx.green.filter((id) => next.includes(id));
  // Presence detectors still occupied re-place their call (NEMA non-locking memory on red).
  const held = Object.values(ctx.occupied).flatMap((o) => o.calls);
  return {
    green,
    clearing,
    next,
    termination: { reason, phases: clearing },
    calls: union(ctx.calls, minus(held, next)),
    minConfirmed: minus(ctx.minConfirmed, clearing),
  };
}

export const terminateGapOut = (ctx: SequencerContext): Update =>
  terminate(ctx, nextFor(ctx) ?? ctx.green, 'gapOut');
export const terminateMaxOut = (ctx: SequencerContext): Update => {
  const u = terminate(ctx, nextFor(ctx) ?? ctx.green, 'maxOut');
  // A phase that maxes out keeps its call: traffic was still there (NEMA max recall-on-max-out).
  return { ...u, calls: union(u.calls ?? [], u.clearing ?? []) };
};
export const forceOffForPreempt = (ctx: SequencerContext): Update =>
  terminate(ctx, activePreempt(ctx)?.phases ?? [], 'forceOff');
export const forceOffForHold = (ctx: SequencerContext): Update =>
  terminate(ctx, ctx.hold === null ? [] : holdStage(ctx.config, ctx.green, ctx.hold), 'forceOff');
export const forceOffForFlash = (ctx: SequencerContext): Update => terminate(ctx, [], 'forceOff');
export const forceOffForMaxWait = (ctx: SequencerContext): Update =>
  terminate(ctx, nextFor(ctx) ?? ctx.green, 'forceOff');

/** Modes for the protected-permissive lefts (others ignored); they take effect at a stage start. */
export function setLeftModes(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'left.modes') return {};
  const pending = { ...ctx.pendingLeftModes };
  for (const [id, mode] of Object.entries(e.modes))
    if (Number(id) in ctx.leftModes) pending[Number(id)] = mode;
  return { pendingLeftModes: pending };
}

/**
 * A pending mode takes effect when the new stage has neither the left nor its opposing through green,
 * so no FYA is cut short and no arrow disappears mid-green (the heads change only through red).
 */
function applyLeftModes(ctx: SequencerContext, green: number[]): Partial<SequencerContext> {
  const ids = Object.keys(ctx.pendingLeftModes).map(Number);
  if (ids.length === 0) return {};
  const leftModes = { ...ctx.leftModes };
  const pendingLeftModes = { ...ctx.pendingLeftModes };
  for (const id of ids) {
    const opp = ctx.config.phases.find((p) => p.id === id)?.opposingThroughPhase;
    if (green.includes(id) || (opp !== undefined && green.includes(opp))) continue;
    leftModes[id] = pendingLeftModes[id] as LeftTurnMode;
    delete pendingLeftModes[id];
  }
  return { leftModes, pendingLeftModes };
}

/** The controller's latest list of phases whose call has waited past its max wait. */
export function setStarved(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'call.starved') return {};
  return sameList(ctx.starved, e.phases) ? {} : { starved: e.phases };
}
const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Leave dwell toward the next queued EV or the configured exit phases. */
export function terminateForExit(ctx: SequencerContext): Update {
  const remaining = ctx.preempts.slice(1).filter((p) => !p.cleared);
  const next = remaining[0]?.phases ?? ctx.preempts[0]?.exitPhases ?? restStage(ctx.config);
  return { ...terminate(ctx, next, 'forceOff'), preempts: remaining };
}

export function applyTiming(ctx: SequencerContext, e: SequencerEvent): Update {
  if (e.type !== 'timing.apply') return {};
  return { maxGreenMs: { ...ctx.maxGreenMs, ...e.maxGreenMs } };
}

export function enterFlash(): Update {
  return {
    green: [],
    clearing: [],
    next: [],
    started: [],
    pedServing: [],
    minConfirmed: [],
    flashRequested: false,
    hold: null,
  };
}
