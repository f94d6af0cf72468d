/**
 * The signal sequencer: an XState v5 machine built with `setup()` so every guard, action and delay is
 * named and swappable (`.provide()`). Time comes only from the actor's clock (delays), never the wall.
 *
 * Modes: startup (flash → all-red) → normal (green ⇄ yellow → red clearance) with preemption (dwell →
 * exit), manual hold and flash (operator or fault). Heads, SPaT and the hi-res log are derived from
 * snapshots (outputs/), so the machine holds facts only.
 */
import { assign, setup } from 'xstate';
import type { IntersectionConfig } from '../config.ts';
import * as A from './actions.ts';
import { initialContext, type SequencerContext, type SequencerEvent } from './context.ts';
import { delays, guards as G, nextMinEndMs } from './guards.ts';

type Args = { context: SequencerContext; event: SequencerEvent };
const g = (f: (ctx: SequencerContext, e: SequencerEvent) => boolean) => (a: Args) => f(a.context, a.event);
const d = (f: (ctx: SequencerContext) => number) => (a: { context: SequencerContext }) => f(a.context);
type Update = (ctx: SequencerContext, e: SequencerEvent) => Partial<SequencerContext>;
// Explicit generics: XState's assign otherwise widens the emitted-event type and setup() rejects it.
const upd = (f: Update) =>
  assign<SequencerContext, SequencerEvent, undefined, SequencerEvent, never>(({ context, event }) =>
    f(context, event),
  );
const flag = (name: keyof SequencerContext['flags'], value: boolean) =>
  upd((ctx) => ({ flags: { ...ctx.flags, [name]: value } }));

export const sequencerSetup = setup({
  types: {
    context: {} as SequencerContext,
    events: {} as SequencerEvent,
  },
  guards: {
    conflictingDemand: g(G.conflictingDemand),
    preemptPending: g(G.preemptPending),
    preemptDwellNow: g(G.preemptDwellNow),
    preemptForceOff: g(G.preemptForceOff),
    flashForceOff: g(G.flashForceOff),
    flashNow: g(G.flashNow),
    holdReached: g(G.holdReached),
    holdForceOff: g(G.holdForceOff),
    maxWaitForceOff: g(G.maxWaitForceOff),
    maxOut: g(G.maxOut),
    gapOut: g(G.gapOut),
    greenOccupied: g(G.greenOccupied),
    releasesGreen: g(G.releasesGreen),
    minAllConfirmed: g(G.minAllConfirmed),
    extendsGreen: g(G.extendsGreen),
    pedServed: g(G.pedServed),
    pedRecyclable: g(G.pedRecyclable),
    activePreemptCleared: g(G.activePreemptCleared),
  },
  delays: {
    startupFlash: d(delays.startupFlash),
    startupAllRed: d(delays.startupAllRed),
    minGreen: d(delays.minGreen),
    preemptMinGreen: d(delays.preemptMinGreen),
    passage: d(delays.passage),
    maxGreen: d(delays.maxGreen),
    pedWalk: d(delays.pedWalk),
    pedClearance: d(delays.pedClearance),
    yellow: d(delays.yellow),
    redClearance: d(delays.redClearance),
    dwellMin: d(delays.dwellMin),
  },
  actions: {
    trackDetectorOn: upd(A.trackDetectorOn),
    trackDetectorOff: upd(A.trackDetectorOff),
    trackPedCall: upd(A.trackPedCall),
    recyclePed: upd(A.recyclePed),
    setFaultRecall: upd(A.setFaultRecall),
    enqueuePreempt: upd(A.enqueuePreempt),
    clearPreempt: upd(A.clearPreempt),
    beginNextStage: upd(A.beginNextStage),
    beginDwell: upd(A.beginDwell),
    terminateGapOut: upd(A.terminateGapOut),
    terminateMaxOut: upd(A.terminateMaxOut),
    forceOffForPreempt: upd(A.forceOffForPreempt),
    forceOffForHold: upd(A.forceOffForHold),
    forceOffForFlash: upd(A.forceOffForFlash),
    forceOffForMaxWait: upd(A.forceOffForMaxWait),
    setStarved: upd(A.setStarved),
    setLeftModes: upd(A.setLeftModes),
    terminateForExit: upd(A.terminateForExit),
    finishClearance: upd(() => ({ clearing: [] })),
    applyTiming: upd(A.applyTiming),
    enterFlash: upd(A.enterFlash),
    setHold: upd((_ctx, e) => (e.type === 'operator.hold' ? { hold: e.phase } : {})),
    clearHold: upd(() => ({ hold: null })),
    requestFlash: upd(() => ({ flashRequested: true })),
    resetGreenFlags: upd(A.resetGreenTiming),
    confirmMinGreens: upd((ctx) => A.confirmMinGreens(ctx, nextMinEndMs(ctx))),
    markMinDone: flag('minDone', true),
    markPreemptMinDone: flag('preemptMinDone', true),
    markGapExpired: flag('gapExpired', true),
    clearGapExpired: flag('gapExpired', false),
    markMaxExpired: flag('maxExpired', true),
    markPedDone: flag('pedDone', true),
    markPedBusy: flag('pedDone', false),
  },
});

/** Terminations from green, in priority order: EV first, then operator, then actuation. */
const greenExits = [
  { guard: 'preemptDwellNow', target: '#preemption' },
  { guard: 'preemptForceOff', target: 'yellow', actions: 'forceOffForPreempt' },
  { guard: 'flashForceOff', target: 'yellow', actions: 'forceOffForFlash' },
  { guard: 'holdReached', target: '#manualHold' },
  { guard: 'holdForceOff', target: 'yellow', actions: 'forceOffForHold' },
  { guard: 'maxWaitForceOff', target: 'yellow', actions: 'forceOffForMaxWait' },
  { guard: 'maxOut', target: 'yellow', actions: 'terminateMaxOut' },
  { guard: 'gapOut', target: 'yellow', actions: 'terminateGapOut' },
] as const;

/**
 * Detector changes restart the passage (gap) timer through a sibling transition, so only the gap
 * region is re-entered (a `reenter` on the region would re-enter the whole parallel green state).
 * Inputs that do not touch the green fall through to the root, which only records them.
 */
const gapOn = {
  'detector.on': { guard: 'extendsGreen', target: 'check', actions: 'trackDetectorOn' },
  // A detector fault (or recovery) changes whether the green is held: re-check occupancy.
  'recall.fault': { target: 'check', actions: 'setFaultRecall' },
} as const;
// Only `held` can see an extending detector go off: `check` sends any occupied green to `held`.
// While held, any detector change re-checks: a new call can make a ring advance, which changes the
// terminating phases (a left's stop-bar queue must not hold the through of the other ring).
const gapOnOff = {
  ...gapOn,
  'detector.on': { target: 'check', actions: 'trackDetectorOn' },
  'detector.off': { guard: 'releasesGreen', target: 'check', actions: 'trackDetectorOff' },
} as const;

const greenState = {
  type: 'parallel',
  entry: 'resetGreenFlags',
  always: greenExits,
  states: {
    // Each phase's own min (NEMA TS2): the timer steps from one phase's min end to the next,
    // confirming each phase as its own min elapses; done when every green phase is confirmed.
    min: {
      initial: 'timing',
      states: {
        timing: {
          always: { guard: 'minAllConfirmed', target: 'done', actions: 'markMinDone' },
          after: { minGreen: { target: 'timing', reenter: true, actions: 'confirmMinGreens' } },
        },
        done: {},
      },
    },
    preemptMin: {
      initial: 'timing',
      states: {
        timing: { after: { preemptMinGreen: { target: 'done', actions: 'markPreemptMinDone' } } },
        done: {},
      },
    },
    gap: {
      initial: 'check',
      states: {
        check: { always: [{ guard: 'greenOccupied', target: 'held' }, { target: 'running' }] },
        running: { entry: 'clearGapExpired', after: { passage: { target: 'expired' } }, on: gapOn },
        held: { entry: 'clearGapExpired', on: gapOnOff },
        expired: { entry: 'markGapExpired', on: gapOn },
      },
    },
    max: {
      initial: 'idle',
      states: {
        // NEMA: the max timer starts on a conflicting call, so an uncalled phase rests in green.
        idle: { always: { guard: 'conflictingDemand', target: 'running' } },
        running: { after: { maxGreen: { target: 'expired' } } },
        expired: { entry: 'markMaxExpired' },
      },
    },
    ped: {
      initial: 'check',
      states: {
        check: { always: [{ guard: 'pedServed', target: 'walk' }, { target: 'done' }] },
        walk: {
          entry: 'markPedBusy',
          after: { pedWalk: 'clearance' },
          // Walk is truncated for an EV; ped clearance (flashing don't walk) is never cut.
          on: { 'preempt.activate': { target: 'clearance', actions: 'enqueuePreempt' } },
        },
        clearance: { entry: 'markPedBusy', after: { pedClearance: 'done' } },
        done: {
          entry: 'markPedDone',
          on: { 'ped.call': { guard: 'pedRecyclable', target: 'walk', actions: 'recyclePed' } },
        },
      },
    },
  },
} as const;

const machines = new WeakMap<IntersectionConfig, ReturnType<typeof buildMachine>>();

/** The sequencer for one configuration (built once per config object; machines are immutable). */
export function createSequencerMachine(config: IntersectionConfig) {
  let m = machines.get(config);
  if (!m) {
    m = buildMachine(config);
    machines.set(config, m);
  }
  return m;
}

function buildMachine(config: IntersectionConfig) {
  return sequencerSetup.createMachine({
    id: 'signals',
    context: initialContext(config),
    initial: 'startup',
    on: {
      'detector.on': { actions: 'trackDetectorOn' },
      'detector.off': { actions: 'trackDetectorOff' },
      'ped.call': { actions: 'trackPedCall' },
      'recall.fault': { actions: 'setFaultRecall' },
      'preempt.activate': { actions: 'enqueuePreempt' },
      'preempt.clear': { actions: 'clearPreempt' },
      'operator.hold': { actions: 'setHold' },
      'operator.release': { actions: 'clearHold' },
      'operator.flash': { actions: 'requestFlash' },
      'timing.apply': { actions: 'applyTiming' },
      'call.starved': { actions: 'setStarved' },
      'left.modes': { actions: 'setLeftModes' },
      fault: { target: '#flash.fault' },
    },
    states: {
      startup: {
        initial: 'flash',
        on: { 'operator.flash': { target: '#flash.operator' } },
        states: {
          flash: { after: { startupFlash: 'allRed' } },
          allRed: { after: { startupAllRed: '#normal' } },
        },
      },
      normal: {
        id: 'normal',
        initial: 'selecting',
        states: {
          selecting: {
            always: [
              { guard: 'preemptPending', target: '#preemption' },
              { target: 'green', actions: 'beginNextStage' },
            ],
          },
          green: greenState,
          yellow: { after: { yellow: 'redClearance' } },
          redClearance: {
            exit: 'finishClearance',
            after: {
              redClearance: [
                { guard: 'flashNow', target: '#flash.operator' },
                { guard: 'preemptDwellNow', target: '#preemption' },
                { target: 'green', actions: 'beginNextStage' },
              ],
            },
          },
        },
      },
      preemption: {
        id: 'preemption',
        initial: 'dwell',
        states: {
          dwell: {
            entry: 'beginDwell',
            initial: 'minimum',
            states: {
              minimum: { after: { dwellMin: 'serving' } },
              serving: {
                always: {
                  guard: 'activePreemptCleared',
                  target: '#preemption.exitYellow',
                  actions: 'terminateForExit',
                },
              },
            },
          },
          exitYellow: { after: { yellow: 'exitRedClearance' } },
          exitRedClearance: {
            exit: 'finishClearance',
            after: {
              redClearance: [
                // Straight to dwell only when nothing else is green: an exit that kept its exit phases
                // green must time their yellow and red before a queued EV's other phases start.
                { guard: 'preemptDwellNow', target: 'dwell' },
                { target: '#normal.green', actions: 'beginNextStage' },
              ],
            },
          },
        },
      },
      manualHold: {
        id: 'manualHold',
        on: {
          'operator.release': { target: '#normal.green', actions: 'clearHold' },
          'operator.flash': { target: '#normal.green', actions: ['clearHold', 'requestFlash'] },
          'operator.hold': { target: '#normal.green', actions: 'setHold' },
          'preempt.activate': { target: '#normal.green', actions: 'enqueuePreempt' },
        },
      },
      flash: {
        id: 'flash',
        entry: 'enterFlash',
        initial: 'operator',
        states: {
          operator: { on: { 'operator.resetFlash': { target: '#signals.startup.allRed' } } },
          fault: { on: { 'fault.reset': { target: '#signals.startup.allRed' } } },
        },
      },
    },
  });
}

export type SequencerMachine = ReturnType<typeof buildMachine>;
