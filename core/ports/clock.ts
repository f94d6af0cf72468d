/**
 * The one time port of the tree: controllers, edge bindings, simulators and tests all take a `Clock`.
 * Control logic reads milliseconds from `now()` (monotonic on the edge, so it never jumps when NTP
 * steps the system clock; epoch ms where a controller stamps records, as parking does); timestamps
 * that leave the box use `WallClock`. `Clock` is a superset of XState's scheduler clock
 * (setTimeout/clearTimeout), so one object drives our bindings and `createActor(machine, { clock })`;
 * XState's `SimulatedClock` satisfies it too. A reader that only needs the time takes
 * `Pick<Clock, 'now'>`.
 */
export type TimerId = unknown;

export interface Clock {
  /** Monotonic milliseconds, arbitrary origin. */
  now(): number;
  setTimeout(fn: () => void, timeoutMs: number): TimerId;
  clearTimeout(id: TimerId): void;
}

/**
 * A clock a simulator steps: `ManualClock` and XState's `SimulatedClock` both satisfy it. Not a second
 * clock, a view of the simulated one: reading plus stepping.
 */
export type SteppableClock = Pick<Clock, 'now'> & { increment(ms: number): void };

export interface WallClock {
  /** Unix epoch milliseconds (system time, NTP-disciplined). */
  nowEpochMs(): number;
}

/** Real monotonic clock: performance.now() and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof globalThis.setTimeout>),
};

export const systemWallClock: WallClock = { nowEpochMs: () => Date.now() };

/**
 * XState clock adapter on real time. XState types ids as `any`; ours are `unknown`, which is the
 * honest type and assignable where XState's `Clock` is expected.
 */
export function xstateClock(clock: Clock = systemClock): {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
} {
  return {
    setTimeout: (fn, timeout) => clock.setTimeout(() => fn(), timeout),
    clearTimeout: (id) => clock.clearTimeout(id),
  };
}

interface PendingTimer {
  id: number;
  dueMs: number;
  fn: () => void;
}

/**
 * Manual clock for tests and simulators. Unlike XState's SimulatedClock, `advance` fires timers one
 * at a time with `now()` equal to each timer's due time, so code that measures lateness (debounce,
 * watchdog stall detection) sees exact instants. Timers scheduled during advance fire in the same call
 * when they fall inside the window.
 */
export class ManualClock implements Clock, WallClock {
  private nowMs: number;
  private readonly epochOffsetMs: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(startMs = 0, epochAtStartMs = Date.UTC(2026, 0, 1)) {
    this.nowMs = startMs;
    this.epochOffsetMs = epochAtStartMs - startMs;
  }

  now(): number {
    return this.nowMs;
  }

  nowEpochMs(): number {
    return this.nowMs + this.epochOffsetMs;
  }

  setTimeout(fn: () => void, timeoutMs: number): TimerId {
    const id = this.nextId++;
    this.timers.push({ id, dueMs: this.nowMs + Math.max(0, timeoutMs), fn });
    return id;
  }

  clearTimeout(id: TimerId): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** XState `SimulatedClock`'s name for `advance`, so a simulator can step either (`SteppableClock`). */
  increment(ms: number): void {
    this.advance(ms);
  }

  /** Number of timers still pending (lets tests assert that nothing leaks). */
  pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward WITHOUT firing timers, as when the event loop is blocked; overdue timers fire
   * (late) on the next `advance`.
   */
  stall(ms: number): void {
    this.nowMs += ms;
  }

  /** Moves time forward by `ms`, firing due timers in order of due time (then creation). */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    while (this.fireNext(target));
    this.nowMs = target;
  }

  /** Fires the earliest timer due by `target` at its own instant; false when none is due. */
  protected fireNext(target: number): boolean {
    const next = this.earliestDue(target);
    if (!next) return false;
    this.timers = this.timers.filter((t) => t !== next);
    // Overdue timers (after stall) fire late, at the current time; time never goes backwards.
    this.nowMs = Math.max(this.nowMs, next.dueMs);
    next.fn();
    return true;
  }

  private earliestDue(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.dueMs > target) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.id < best.id)) best = t;
    }
    return best;
  }
}

/** Resolves after `ms` on the given clock (real or manual). */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}
