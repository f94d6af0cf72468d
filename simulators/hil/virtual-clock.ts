/**
 * Virtual time shared by the microsimulator and a running agent. Unlike ManualClock.advance, which
 * fires every due timer in one synchronous loop, `advanceTo` lets the event loop run between timer
 * callbacks — as Node does in real time — so the agent's async lamp writes (one promise chain per
 * head change) settle before the next timer fires instead of interleaving.
 */
import type { Clock, TimerId } from '../../edge/bindings/clock.ts';

interface Pending {
  id: number;
  dueMs: number;
  fn: () => void;
}

/** Lets queued promise continuations and socket callbacks run (setImmediate comes after microtasks). */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export class VirtualClock implements Clock {
  private nowMs = 0;
  private nextId = 1;
  private timers: Pending[] = [];

  /** `epochAtZeroMs`: wall-clock epoch the agent reports for virtual time 0. */
  constructor(readonly epochAtZeroMs = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.nowMs;
  }

  nowEpochMs(): number {
    return this.epochAtZeroMs + this.nowMs;
  }

  setTimeout(fn: () => void, timeoutMs: number): TimerId {
    const id = this.nextId++;
    this.timers.push({ id, dueMs: this.nowMs + Math.max(0, timeoutMs), fn });
    return id;
  }

  clearTimeout(id: TimerId): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Fires due timers one at a time at their own instant, settling the event loop after each. */
  async advanceTo(targetMs: number): Promise<void> {
    for (;;) {
      const next = this.earliestDue(targetMs);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.fn();
      await settle();
    }
    this.nowMs = Math.max(this.nowMs, targetMs);
  }

  private earliestDue(targetMs: number): Pending | undefined {
    let best: Pending | undefined;
    for (const t of this.timers) {
      if (t.dueMs > targetMs) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.id < best.id)) best = t;
    }
    return best;
  }
}

/** The microsimulator's own clock: it only counts; the agent's VirtualClock follows it in `sync`. */
export function simTime(): { now(): number; increment(ms: number): void } {
  let t = 0;
  return {
    now: () => t,
    increment: (ms) => {
      t += ms;
    },
  };
}
