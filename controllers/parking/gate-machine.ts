/**
 * Barrier gate of one lane (XState v5). Inputs are facts from the lane (loops, limit switches),
 * verdicts from the decision function and operator commands; outputs are named emitted events
 * (`barrier.raise`, `barrier.lower`, `light.flash` …) the edge binds with `actor.on(...)` or by
 * overriding the named actions with `.provide()`. Time only through `after` delays, so a
 * `SimulatedClock` drives every timer in tests.
 *
 * Safety rule: every transition into `closing` (the only state that lowers the boom) is guarded
 * by `safetyClear`, and a safety detection while closing reverses to `opening`.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';

export interface GateInput {
  laneId: string;
  /** What to do when the plate needs operator review. */
  fallback: 'deny' | 'open' | 'wait';
  faultMode: 'open' | 'hold';
  powerLossMode: 'open' | 'hold';
  identifyTimeoutMs: number;
  travelTimeoutMs: number;
  maxOpenMs: number;
}

export interface GateContext extends GateInput {
  armingOccupied: boolean;
  safetyOccupied: boolean;
  limitOpen: boolean;
  limitClosed: boolean;
  /** Vehicles that crossed the safety input since the boom last started to open. */
  passes: number;
  /** Arming-loop arrivals since the boom started to open (a follower is coming). */
  armingRises: number;
  faultReason: string | null;
}

export interface OperatorMeta {
  who: string;
  why: string;
}

export type GateEvent =
  | { type: 'loop.arming'; on: boolean }
  | { type: 'loop.safety'; on: boolean }
  | { type: 'limit.open'; on: boolean }
  | { type: 'limit.closed'; on: boolean }
  | { type: 'decision.open' }
  | { type: 'decision.deny' }
  | { type: 'decision.review' }
  | ({ type: 'operator.open' } & OperatorMeta)
  | ({ type: 'operator.close' } & OperatorMeta)
  | ({ type: 'operator.reset' } & OperatorMeta)
  | { type: 'power.lost' }
  | { type: 'power.restored' };

export type GateEmitted =
  | { type: 'barrier.raise'; laneId: string }
  | { type: 'barrier.lower'; laneId: string }
  | { type: 'light.flash'; laneId: string }
  | { type: 'light.off'; laneId: string }
  | { type: 'camera.trigger'; laneId: string }
  | { type: 'identify.timeout'; laneId: string }
  | { type: 'vehicle.passed'; laneId: string; authorised: boolean }
  | { type: 'alarm.tailgate'; laneId: string }
  | { type: 'gate.fault'; laneId: string; reason: string }
  | { type: 'gate.power'; laneId: string; on: boolean }
  | { type: 'operator.refused'; laneId: string; command: string; reason: string };

type Ctx = { context: GateContext };
type WithEvent = { context: GateContext; event: GateEvent };
const lane = ({ context }: Ctx) => context.laneId;
const isOn = (event: GateEvent) => 'on' in event && event.on;

export const gateMachine = setup({
  types: {
    context: {} as GateContext,
    events: {} as GateEvent,
    input: {} as GateInput,
    emitted: {} as GateEmitted,
  },
  actions: {
    'barrier.raise': emit((a: Ctx) => ({ type: 'barrier.raise' as const, laneId: lane(a) })),
    'barrier.lower': emit((a: Ctx) => ({ type: 'barrier.lower' as const, laneId: lane(a) })),
    'light.flash': emit((a: Ctx) => ({ type: 'light.flash' as const, laneId: lane(a) })),
    'light.off': emit((a: Ctx) => ({ type: 'light.off' as const, laneId: lane(a) })),
    'camera.trigger': emit((a: Ctx) => ({ type: 'camera.trigger' as const, laneId: lane(a) })),
    'identify.timeout': emit((a: Ctx) => ({ type: 'identify.timeout' as const, laneId: lane(a) })),
    'alarm.tailgate': emit((a: Ctx) => ({ type: 'alarm.tailgate' as const, laneId: lane(a) })),
    'gate.powerLost': emit((a: Ctx) => ({ type: 'gate.power' as const, laneId: lane(a), on: false })),
    'gate.powerRestored': emit((a: Ctx) => ({ type: 'gate.power' as const, laneId: lane(a), on: true })),
    'gate.fault': emit(({ context }: Ctx) => ({
      type: 'gate.fault' as const,
      laneId: context.laneId,
      reason: context.faultReason ?? 'unknown',
    })),
    'operator.refused': emit(({ context, event }: WithEvent) => ({
      type: 'operator.refused' as const,
      laneId: context.laneId,
      command: event.type,
      reason: context.safetyOccupied ? 'safety-occupied' : 'not-applicable',
    })),
    trackInputs: assign(({ event }: WithEvent): Partial<GateContext> => {
      switch (event.type) {
        case 'loop.arming':
          return { armingOccupied: event.on };
        case 'loop.safety':
          return { safetyOccupied: event.on };
        case 'limit.open':
          return { limitOpen: event.on };
        case 'limit.closed':
          return { limitClosed: event.on };
        default:
          return {};
      }
    }),
    countArmingRise: assign({ armingRises: ({ context }) => context.armingRises + 1 }),
    startCycle: assign({ passes: 0, armingRises: 0 }),
    countPass: assign({ passes: ({ context }) => context.passes + 1 }),
    'vehicle.passed': emit(({ context }: Ctx) => ({
      type: 'vehicle.passed' as const,
      laneId: context.laneId,
      // Only the first crossing of an opening was authorised (one vehicle per opening).
      authorised: context.passes === 1,
    })),
    'vehicle.passedUnchecked': emit(({ context }: Ctx) => ({
      type: 'vehicle.passed' as const,
      laneId: context.laneId,
      authorised: false,
    })),
    setFault: assign({
      faultReason: ({ event }, params: { reason: string }) =>
        event.type === 'operator.reset' ? null : params.reason,
    }),
  },
  guards: {
    armingRising: ({ context, event }) => event.type === 'loop.arming' && event.on && !context.armingOccupied,
    armingFalling: ({ event }) => event.type === 'loop.arming' && !event.on,
    armingOccupied: ({ context }) => context.armingOccupied,
    safetyRising: ({ context, event }) => event.type === 'loop.safety' && event.on && !context.safetyOccupied,
    safetyFalling: ({ context, event }) =>
      event.type === 'loop.safety' && !event.on && context.safetyOccupied,
    // A second vehicle reaches the safety input after the authorised one crossed it.
    tailgating: ({ context, event }) =>
      event.type === 'loop.safety' &&
      event.on &&
      !context.safetyOccupied &&
      context.passes >= 1 &&
      context.armingRises >= 1,
    safetyClear: ({ context }) => !context.safetyOccupied,
    passedAndClear: ({ context }) => context.passes >= 1 && !context.safetyOccupied,
    // Both limits on at once is a wiring fault: trust neither.
    limitClosed: ({ context }) => context.limitClosed && !context.limitOpen,
    limitOpen: ({ context }) => context.limitOpen && !context.limitClosed,
    isOn: ({ event }) => isOn(event),
    fallbackOpen: ({ context }) => context.fallback === 'open',
    fallbackDeny: ({ context }) => context.fallback === 'deny',
    faultOpens: ({ context }) => context.faultMode === 'open',
    powerLossOpens: ({ context }) => context.powerLossMode === 'open',
  },
  delays: {
    identifyTimeout: ({ context }) => context.identifyTimeoutMs,
    travelTimeout: ({ context }) => context.travelTimeoutMs,
    maxOpen: ({ context }) => context.maxOpenMs,
  },
}).createMachine({
  id: 'gate',
  initial: 'closed',
  context: ({ input }) => ({
    ...input,
    armingOccupied: false,
    safetyOccupied: false,
    limitOpen: false,
    limitClosed: true,
    passes: 0,
    armingRises: 0,
    faultReason: null,
  }),
  on: {
    'loop.arming': { actions: 'trackInputs' },
    'loop.safety': { actions: 'trackInputs' },
    'limit.open': { actions: 'trackInputs' },
    'limit.closed': { actions: 'trackInputs' },
    'power.lost': { target: '.unpowered' },
  },
  states: {
    closed: {
      entry: ['light.off', 'startCycle'],
      // A queued vehicle already on the arming loop is identified as soon as the boom is down.
      always: { guard: 'armingOccupied', target: 'identifying' },
      on: {
        'loop.arming': { guard: 'armingRising', target: 'identifying', actions: 'trackInputs' },
        'operator.open': { target: 'opening' },
      },
    },
    identifying: {
      entry: ['startCycle', 'camera.trigger'],
      after: {
        identifyTimeout: [
          { guard: 'fallbackOpen', target: 'opening', actions: 'identify.timeout' },
          { guard: 'fallbackDeny', target: 'denied', actions: 'identify.timeout' },
          { target: 'holding', actions: 'identify.timeout' },
        ],
      },
      on: {
        'decision.open': 'opening',
        'decision.deny': 'denied',
        'decision.review': [
          { guard: 'fallbackOpen', target: 'opening' },
          { guard: 'fallbackDeny', target: 'denied' },
          { target: 'holding' },
        ],
        'loop.arming': { guard: 'armingFalling', target: 'closed', actions: 'trackInputs' },
        'operator.open': 'opening',
      },
    },
    /** Waiting for an operator verdict on an unreadable or low-confidence plate. */
    holding: {
      on: {
        'decision.open': 'opening',
        'decision.deny': 'denied',
        'operator.open': 'opening',
        'loop.arming': { guard: 'armingFalling', target: 'closed', actions: 'trackInputs' },
      },
    },
    denied: {
      on: {
        'decision.open': 'opening',
        'operator.open': 'opening',
        'loop.arming': { guard: 'armingFalling', target: 'closed', actions: 'trackInputs' },
      },
    },
    opening: {
      entry: ['barrier.raise', 'light.flash'],
      // Reversed before the boom left the open limit: it is already up.
      always: { guard: 'limitOpen', target: 'open' },
      after: {
        travelTimeout: {
          target: 'faulted',
          actions: { type: 'setFault', params: { reason: 'open-limit-timeout' } },
        },
      },
      on: {
        'limit.open': [{ guard: 'isOn', target: 'open', actions: 'trackInputs' }, { actions: 'trackInputs' }],
        ...passageHandlers(),
        'operator.close': [{ guard: 'safetyClear', target: 'closing' }, { actions: 'operator.refused' }],
      },
    },
    open: {
      always: { guard: 'passedAndClear', target: 'closing' },
      after: { maxOpen: { guard: 'safetyClear', target: 'closing' } },
      on: {
        ...passageHandlers(),
        'operator.close': [{ guard: 'safetyClear', target: 'closing' }, { actions: 'operator.refused' }],
      },
    },
    closing: {
      entry: 'barrier.lower',
      after: {
        travelTimeout: {
          target: 'faulted',
          actions: { type: 'setFault', params: { reason: 'closed-limit-timeout' } },
        },
      },
      on: {
        'limit.closed': [
          { guard: 'isOn', target: 'closed', actions: 'trackInputs' },
          { actions: 'trackInputs' },
        ],
        'loop.safety': [
          { guard: 'tailgating', target: 'opening', actions: ['alarm.tailgate', 'trackInputs'] },
          { guard: 'safetyRising', target: 'opening', actions: 'trackInputs' },
          { actions: 'trackInputs' },
        ],
        'loop.arming': [
          { guard: 'armingRising', actions: ['countArmingRise', 'trackInputs'] },
          { actions: 'trackInputs' },
        ],
        'operator.open': 'opening',
      },
    },
    faulted: {
      entry: [
        'gate.fault',
        enqueueActions(({ context, enqueue }) => {
          if (context.faultMode !== 'open') return;
          enqueue('barrier.raise');
          enqueue('light.flash');
        }),
      ],
      on: {
        'loop.safety': [
          { guard: 'safetyFalling', actions: ['trackInputs', 'vehicle.passedUnchecked'] },
          { actions: 'trackInputs' },
        ],
        'operator.reset': [
          { guard: 'limitClosed', target: 'closed', actions: { type: 'setFault', params: { reason: '' } } },
          { guard: 'safetyClear', target: 'closing', actions: { type: 'setFault', params: { reason: '' } } },
          { actions: 'operator.refused' },
        ],
      },
    },
    unpowered: {
      entry: [
        'gate.powerLost',
        // `open`: a UPS or spring raises the boom so nobody is trapped while mains is down.
        enqueueActions(({ context, enqueue }) => {
          if (context.powerLossMode === 'open') enqueue('barrier.raise');
        }),
      ],
      on: {
        'power.lost': {},
        'loop.safety': [
          { guard: 'safetyFalling', actions: ['trackInputs', 'vehicle.passedUnchecked'] },
          { actions: 'trackInputs' },
        ],
        'power.restored': [
          { guard: 'limitClosed', target: 'closed', actions: 'gate.powerRestored' },
          { guard: 'safetyClear', target: 'closing', actions: 'gate.powerRestored' },
          { target: 'open', actions: 'gate.powerRestored' },
        ],
      },
    },
  },
});

/** Safety and arming handling shared by `opening` and `open`: count crossings, spot tailgaters. */
function passageHandlers() {
  return {
    'loop.safety': [
      { guard: 'tailgating' as const, actions: ['alarm.tailgate' as const, 'trackInputs' as const] },
      {
        guard: 'safetyFalling' as const,
        actions: ['trackInputs' as const, 'countPass' as const, 'vehicle.passed' as const],
      },
      { actions: 'trackInputs' as const },
    ],
    'loop.arming': [
      { guard: 'armingRising' as const, actions: ['countArmingRise' as const, 'trackInputs' as const] },
      { actions: 'trackInputs' as const },
    ],
  };
}
