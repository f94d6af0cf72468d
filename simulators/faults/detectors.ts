/**
 * Detector faults on simulated GPIO lines: a chattering loop (loose connection, detector card at
 * its sensitivity limit) and a stuck-on / stuck-off detector. `FaultyLines` sits between the
 * simulated world and the GPIO so a stuck line ignores what the world drives.
 */
import type { Level } from '../../core/ports/gpio.ts';
import type { Clock } from '../../core/ports/clock.ts';

/** The device side of a GPIO backend (SimulatedGpio satisfies it). */
export interface DeviceLines {
  drive(line: number, level: Level): void;
  level(line: number): Level;
  watch(line: number, listener: (level: Level) => void): () => void;
}

export class FaultyLines implements DeviceLines {
  private readonly stuck = new Map<number, Level>();
  /** What the world last asked for, applied when a stuck line is released. */
  private readonly wanted = new Map<number, Level>();

  constructor(
    private readonly inner: DeviceLines,
    private readonly clock: Clock,
  ) {}

  drive(line: number, level: Level): void {
    this.wanted.set(line, level);
    if (!this.stuck.has(line)) this.inner.drive(line, level);
  }

  level(line: number): Level {
    return this.inner.level(line);
  }

  watch(line: number, listener: (level: Level) => void): () => void {
    return this.inner.watch(line, listener);
  }

  /** Hold a line at `level` for `ms` (Infinity = until `release`). */
  stick(line: number, level: Level, ms = Number.POSITIVE_INFINITY): void {
    this.stuck.set(line, level);
    this.inner.drive(line, level);
    if (Number.isFinite(ms)) this.clock.setTimeout(() => this.release(line), ms);
  }

  release(line: number): void {
    if (!this.stuck.delete(line)) return;
    this.inner.drive(line, this.wanted.get(line) ?? 0);
  }

  /**
   * Toggle a line every `periodMs` for `durationMs`, then restore what the world wants.
   * Returns the number of edges it will produce.
   */
  chatter(line: number, o: { periodMs: number; durationMs: number }): number {
    const edges = Math.floor(o.durationMs / o.periodMs);
    this.stuck.set(line, this.inner.level(line));
    for (let i = 1; i <= edges; i++) {
      this.clock.setTimeout(() => {
        const next: Level = this.inner.level(line) === 1 ? 0 : 1;
        this.stuck.set(line, next);
        this.inner.drive(line, next);
      }, i * o.periodMs);
    }
    this.clock.setTimeout(() => this.release(line), edges * o.periodMs + 1);
    return edges;
  }
}
