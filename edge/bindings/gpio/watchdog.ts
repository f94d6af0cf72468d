/**
 * Hardware watchdog pulse: toggles an output while the controller reports healthy. A cabinet
 * flasher / watchdog relay that sees no edge for a few periods takes over (flash mode), so the
 * intersection fails safe when the agent hangs, crashes or its event loop stalls.
 */
import type { DigitalOutput, Level } from '../../../core/ports/gpio.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

export interface WatchdogOptions {
  output: DigitalOutput;
  /** Time between toggles. Default 250 ms (a 2 Hz square wave). */
  periodMs?: number;
  /** A tick later than this is an event-loop stall: no toggle on that tick. Default = periodMs. */
  maxLagMs?: number;
  isHealthy: () => boolean;
  clock?: Clock;
}

export interface WatchdogStats {
  toggles: number;
  skippedUnhealthy: number;
  stalls: number;
  writeFailures: number;
  /** Largest tick lateness seen, ms. */
  maxLagMs: number;
}

export interface Watchdog {
  stats(): WatchdogStats;
  /** Stops pulsing and drives the output low (the flasher takes over). */
  stop(): Promise<void>;
}

export function startWatchdog(opts: WatchdogOptions): Watchdog {
  const clock = opts.clock ?? systemClock;
  const periodMs = opts.periodMs ?? 250;
  const maxLagMs = opts.maxLagMs ?? periodMs;
  const stats: WatchdogStats = { toggles: 0, skippedUnhealthy: 0, stalls: 0, writeFailures: 0, maxLagMs: 0 };
  let level: Level = 0;
  let stopped = false;
  let due = clock.now() + periodMs;
  let timer: unknown = clock.setTimeout(tick, periodMs);

  function tick(): void {
    if (stopped) return;
    const now = clock.now();
    const lag = now - due;
    stats.maxLagMs = Math.max(stats.maxLagMs, lag);
    due = now + periodMs;
    timer = clock.setTimeout(tick, periodMs);
    if (lag > maxLagMs) {
      // The loop was blocked: a pulse now would hide the stall from the hardware watchdog.
      stats.stalls++;
      return;
    }
    if (!opts.isHealthy()) {
      stats.skippedUnhealthy++;
      return;
    }
    level = level === 1 ? 0 : 1;
    stats.toggles++;
    opts.output.write(level).catch(() => {
      stats.writeFailures++;
    });
  }

  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      stopped = true;
      clock.clearTimeout(timer);
      await opts.output.write(0).catch(() => {
        stats.writeFailures++;
      });
    },
  };
}
