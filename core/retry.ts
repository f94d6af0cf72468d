/**
 * The one retry/backoff policy of the tree: serial reconnects (edge), InfluxDB write probes
 * (broker) and the TraCI connect (simulators) all take their delays from `Backoff`.
 *
 * Why not p-retry: p-retry 8+ needs Node ≥ 22 (we run 20), and every p-retry waits on real
 * `setTimeout`, while the serial bus waits on its injected clock (tests drive it with a manual
 * clock) in a wait that `close()` must wake, and the ingest sink is a timer-driven state machine
 * rather than an awaited loop. What the three copies shared was the delay sequence, so that is
 * what lives here; each caller keeps its own loop.
 */

export interface BackoffOptions {
  /** First delay (ms). */
  readonly initialMs: number;
  /** Delays never exceed this (ms). */
  readonly maxMs: number;
  /** Growth per attempt (default 2: doubling). 1 gives a fixed delay. */
  readonly factor?: number;
}

/** Exponential backoff: initialMs, then × factor per failure, capped at maxMs; reset() after a success. */
export class Backoff {
  private currentMs: number;

  constructor(private readonly opts: BackoffOptions) {
    if (!(opts.initialMs >= 0) || !(opts.maxMs >= opts.initialMs) || !((opts.factor ?? 2) >= 1))
      throw new RangeError(`backoff: need 0 ≤ initialMs ≤ maxMs and factor ≥ 1, got ${JSON.stringify(opts)}`);
    this.currentMs = opts.initialMs;
  }

  /** The delay before the next attempt; each call grows the one after. */
  next(): number {
    const delay = this.currentMs;
    this.currentMs = Math.min(this.opts.maxMs, delay * (this.opts.factor ?? 2));
    return delay;
  }

  /** Back to initialMs (call after a success). */
  reset(): void {
    this.currentMs = this.opts.initialMs;
  }
}

export interface RetryUntilOptions {
  /** Give up once this much time has passed since the first attempt (ms). */
  readonly timeoutMs: number;
  readonly backoff: Backoff;
  /** Milliseconds for the deadline (default Date.now; a test passes a manual clock's). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Calls `attempt` until it resolves or the deadline passes; then rethrows the last failure, so
 * the caller can wrap it in its own coded error.
 */
export async function retryUntil<T>(attempt: () => Promise<T>, opts: RetryUntilOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (now() > deadline) throw e;
      await sleep(opts.backoff.next());
    }
  }
}
