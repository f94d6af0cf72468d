import type { Clock } from '../../core/ports/clock.ts';
/**
 * A clock that fires each timer at its exact due time even when the outer clock jumps. XState's
 * `SimulatedClock.increment(1000)` moves `now` to the end of the step before firing, so a 3.8 s yellow
 * would otherwise be stretched to the next whole step and every later interval shifted. This clock keeps
 * its own timer list, arms ONE timer on the outer clock (simulated or real) for the earliest due time,
 * and on wake-up replays the due timers in order with `now()` equal to each one's due time.
 */

interface Timer {
  due: number;
  fn: () => void;
}

export class CatchUpClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  private outerTimer: unknown = null;
  private outerDue = Number.POSITIVE_INFINITY;

  constructor(private readonly outer: Clock) {
    this.t = outer.now();
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: (...args: unknown[]) => void, ms: number): number {
    const id = ++this.seq;
    this.timers.set(id, { due: this.t + Math.max(0, ms), fn: () => fn() });
    this.arm();
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** Run every timer due up to the outer clock's now, in due order, then align with it. */
  sync(): void {
    const target = this.outer.now();
    for (;;) {
      const next = this.earliest();
      if (!next || next[1].due > target) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].due);
      next[1].fn();
    }
    this.t = Math.max(this.t, target);
    this.arm();
  }

  private earliest(): [number, Timer] | undefined {
    let best: [number, Timer] | undefined;
    for (const entry of this.timers) {
      if (!best || entry[1].due < best[1].due) best = entry;
    }
    return best;
  }

  private arm(): void {
    const next = this.earliest();
    const due = next ? next[1].due : Number.POSITIVE_INFINITY;
    if (due === this.outerDue) return;
    if (this.outerTimer !== null) this.outer.clearTimeout(this.outerTimer);
    this.outerTimer = null;
    this.outerDue = due;
    if (!next) return;
    this.outerTimer = this.outer.setTimeout(
      () => {
        this.outerTimer = null;
        this.outerDue = Number.POSITIVE_INFINITY;
        this.sync();
      },
      Math.max(0, due - this.outer.now()),
    );
  }
}
