/**
 * Pedestrian push-button counter: turns debounced presses at one crossing into per-period counts
 * of presses and of calls (demands). A person waiting at a crossing often presses several times;
 * only the first press after a quiet `lockoutMs` is a new call, which is what planners count
 * (MUTCD 4E.08: one actuation registers the pedestrian's demand; repeats add nothing).
 *
 * Pure: no I/O, time from the injected clock (the lockout is an XState `after` delay).
 */
import { type Actor, assign, createActor, setup } from 'xstate';
import type { Clock } from '../../core/ports/clock.ts';

export interface PedButtonConfig {
  /** A press this long after the previous call is a new call (ms). */
  lockoutMs: number;
}

export interface PressCounts {
  presses: number;
  calls: number;
}

type CounterEvent = { type: 'button.press' } | { type: 'period.reset' };

export const pedButtonMachine = setup({
  types: {
    context: {} as PressCounts & { lockoutMs: number },
    events: {} as CounterEvent,
    input: {} as PedButtonConfig,
  },
  delays: { lockout: ({ context }) => context.lockoutMs },
  actions: {
    countCall: assign({
      presses: ({ context }) => context.presses + 1,
      calls: ({ context }) => context.calls + 1,
    }),
    countRepeat: assign({ presses: ({ context }) => context.presses + 1 }),
    resetCounts: assign({ presses: 0, calls: 0 }),
  },
}).createMachine({
  id: 'pedButton',
  context: ({ input }) => ({ presses: 0, calls: 0, lockoutMs: input.lockoutMs }),
  initial: 'idle',
  on: { 'period.reset': { actions: 'resetCounts' } },
  states: {
    idle: { on: { 'button.press': { target: 'lockout', actions: 'countCall' } } },
    // The lockout runs from the call, not from the latest press: a person pressing every second
    // for a minute still makes one call per lockout, not one in total.
    lockout: {
      after: { lockout: 'idle' },
      on: { 'button.press': { actions: 'countRepeat' } },
    },
  },
});

export interface PedButtonCounter {
  press(): void;
  /** The counts since the last close, then starts a new period (a lockout in progress carries on). */
  closePeriod(): PressCounts;
  stop(): void;
}

export function createPedButtonCounter(config: PedButtonConfig, opts: { clock: Clock }): PedButtonCounter {
  if (!(config.lockoutMs >= 0)) throw new RangeError(`lockoutMs must be ≥ 0, got ${config.lockoutMs}`);
  const actor: Actor<typeof pedButtonMachine> = createActor(pedButtonMachine, {
    input: config,
    clock: opts.clock,
  }).start();
  return {
    press: () => actor.send({ type: 'button.press' }),
    closePeriod() {
      const { presses, calls } = actor.getSnapshot().context;
      actor.send({ type: 'period.reset' });
      return { presses, calls };
    },
    stop: () => actor.stop(),
  };
}
