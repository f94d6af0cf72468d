/**
 * Physical barrier of one lane on the simulated GPIO: watches the relay output and moves the
 * boom, driving the open/closed limit switches after the travel time (and reversing mid-travel).
 */
import type { DeviceLines } from '../faults/index.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface BarrierPins {
  output: number;
  openLimit: number;
  closedLimit: number;
}

export class SimBarrier {
  private moving: unknown = null;
  private unwatch: () => void;
  /** Injected fault: the boom stops responding (limit switch never reached). */
  jammed = false;

  constructor(
    private readonly gpio: DeviceLines,
    private readonly pins: BarrierPins,
    private readonly clock: Clock,
    private readonly travelMs = 1500,
  ) {
    gpio.drive(pins.closedLimit, 1);
    gpio.drive(pins.openLimit, 0);
    this.unwatch = gpio.watch(pins.output, (level) => this.command(level === 1));
  }

  isOpen(): boolean {
    return this.gpio.level(this.pins.openLimit) === 1;
  }

  isClosed(): boolean {
    return this.gpio.level(this.pins.closedLimit) === 1;
  }

  stop(): void {
    this.unwatch();
    if (this.moving !== null) this.clock.clearTimeout(this.moving);
  }

  private command(up: boolean): void {
    if (this.moving !== null) this.clock.clearTimeout(this.moving);
    this.moving = null;
    if (this.jammed) return;
    // Leaving an end position releases its limit switch at once.
    this.gpio.drive(up ? this.pins.closedLimit : this.pins.openLimit, 0);
    this.moving = this.clock.setTimeout(() => {
      this.moving = null;
      this.gpio.drive(up ? this.pins.openLimit : this.pins.closedLimit, 1);
    }, this.travelMs);
  }
}
