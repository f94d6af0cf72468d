import { ManualClock, type SteppableClock } from '../../core/ports/clock.ts';
/**
 * Virtual time shared by the microsimulator and a running agent. Unlike ManualClock.advance, which
 * fires every due timer in one synchronous loop, `advanceTo` lets the event loop run between timer
 * callbacks — as Node does in real time — so the agent's async lamp writes (one promise chain per
 * head change) settle before the next timer fires instead of interleaving.
 */

/** Lets queued promise continuations and socket callbacks run (setImmediate comes after microtasks). */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export class VirtualClock extends ManualClock {
  /** `epochAtZeroMs`: wall-clock epoch the agent reports for virtual time 0. */
  constructor(readonly epochAtZeroMs = Date.UTC(2026, 0, 1)) {
    super(0, epochAtZeroMs);
  }

  /** Fires due timers one at a time at their own instant, settling the event loop after each. */
  async advanceTo(targetMs: number): Promise<void> {
    while (this.fireNext(targetMs)) await settle();
    if (targetMs > this.now()) this.stall(targetMs - this.now()); // nothing left due: just move time
  }
}

/** The microsimulator's own clock: it only counts; the agent's VirtualClock follows it in `sync`. */
export function simTime(): SteppableClock {
  let t = 0;
  return {
    now: () => t,
    increment: (ms) => {
      t += ms;
    },
  };
}
