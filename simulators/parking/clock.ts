import { type Clock, ManualClock } from '../../core/ports/clock.ts';
/**
 * Simulator time. The whole run shares one ManualClock (epoch ms) advanced by a pacer at `speed`
 * simulated ms per wall ms, so controller timers, sensor heartbeats and drivers agree on "now",
 * while real I/O (pty, HTTP) happens in wall time between ticks.
 */

/** The one Clock, plus: stop firing callbacks scheduled through this view (the world stops moving; time goes on). */
export type FreezableClock = Clock & { freeze(): void };

export function freezable(inner: Clock): FreezableClock {
  let frozen = false;
  return {
    now: () => inner.now(),
    setTimeout: (fn, ms) =>
      inner.setTimeout(() => {
        if (!frozen) fn();
      }, ms),
    clearTimeout: (id) => inner.clearTimeout(id),
    freeze: () => {
      frozen = true;
    },
  };
}

export function simClock(startMs: number): ManualClock {
  return new ManualClock(startMs, startMs);
}

const wallSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Advance `clock` to `untilMs` at `speed`: every `tickMs` of wall time, `tickMs × speed` of
 * simulated time. `onTick` may stop early by returning true.
 */
export async function pace(
  clock: ManualClock,
  o: {
    untilMs: number;
    speed: number;
    tickMs?: number;
    onTick?: () => boolean | undefined;
    /** While true, time waits (up to `maxHoldMs` wall): e.g. a camera fetch in flight. */
    hold?: () => boolean;
    maxHoldMs?: number;
  },
): Promise<void> {
  const tick = o.tickMs ?? 10;
  while (clock.now() < o.untilMs) {
    // Request/response I/O takes no simulated time, so a loaded machine does not change the story.
    const holdStart = performance.now();
    while (o.hold?.() && performance.now() - holdStart < (o.maxHoldMs ?? 500)) await wallSleep(1);
    const started = performance.now();
    clock.advance(Math.min(tick * o.speed, o.untilMs - clock.now()));
    if (o.onTick?.()) return;
    // Sleep what is left of the tick so real I/O gets its wall time.
    await wallSleep(Math.max(1, tick - (performance.now() - started)));
  }
}
