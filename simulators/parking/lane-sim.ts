/**
 * One lane as drivers see it: a queue of cars, each pulls onto the arming loop (after the camera
 * shows it), waits for the boom to rise, drives over the safety loop / photo-eye and is gone.
 * A follower (tailgater) drives through behind its leader without waiting for a new opening.
 */
import type { LaneConfig } from '../../controllers/parking/index.ts';
import type { DeviceLines } from '../faults/index.ts';
import type { CameraPort, SimCar } from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface LaneHooks {
  passed(car: SimCar): void;
  gaveUp(car: SimCar): void;
}

/** Driver timings in simulated ms. */
const REACTION_MS = 800;
const CROSS_MS = 1500;
const NEXT_GAP_MS = 1000;
const FOLLOW_MS = 400;

const pinNumber = (p: number | string): number => (typeof p === 'number' ? p : Number.parseInt(p, 10));

export class LaneSim {
  private readonly queue: SimCar[] = [];
  private onLoop: SimCar | null = null;
  private busy = false;
  private waiting = false;
  private patience: unknown = null;
  private readonly unwatch: () => void;
  private readonly arming: number;
  private readonly safety: number;

  constructor(
    readonly lane: LaneConfig,
    private readonly gpio: DeviceLines,
    private readonly clock: Clock,
    private readonly camera: CameraPort,
    private readonly hooks: LaneHooks,
    private readonly patienceMs = 45_000,
  ) {
    this.arming = pinNumber(lane.armingLoop.input);
    this.safety = pinNumber(lane.safety.input);
    const openLimit = pinNumber(lane.barrier.openLimit);
    this.unwatch = gpio.watch(openLimit, (level) => {
      if (level === 1 && this.waiting) this.go();
    });
  }

  get id(): string {
    return this.lane.id;
  }

  /** Cars queued or on the loop. */
  pending(): number {
    return this.queue.length + (this.onLoop ? 1 : 0);
  }

  arrive(car: SimCar): void {
    this.queue.push(car);
    if (!this.busy) void this.pullUp();
  }

  stop(): void {
    this.unwatch();
    if (this.patience !== null) this.clock.clearTimeout(this.patience);
  }

  private async pullUp(): Promise<void> {
    const car = this.queue.shift();
    if (!car) return;
    this.busy = true;
    await this.camera.show(car);
    this.onLoop = car;
    this.waiting = true;
    this.gpio.drive(this.arming, 1);
    this.patience = this.clock.setTimeout(() => this.giveUp(), this.patienceMs);
  }

  private go(): void {
    const car = this.onLoop;
    if (!car) return;
    this.waiting = false;
    if (this.patience !== null) this.clock.clearTimeout(this.patience);
    this.patience = null;
    // Followers tailgate into the lot; on the way out each car leaves on its own.
    const follower = this.lane.direction === 'entry' ? car.follower : undefined;
    this.clock.setTimeout(() => {
      this.gpio.drive(this.arming, 0);
      this.gpio.drive(this.safety, 1);
      if (follower) this.clock.setTimeout(() => this.gpio.drive(this.arming, 1), FOLLOW_MS);
      this.clock.setTimeout(() => {
        this.gpio.drive(this.safety, 0);
        this.onLoop = null;
        this.hooks.passed(car);
        if (follower) this.tailgate(follower);
        else this.next();
      }, CROSS_MS);
    }, REACTION_MS);
  }

  /** The follower is already on the arming loop; it drives through before the boom closes. */
  private tailgate(follower: SimCar): void {
    this.clock.setTimeout(() => {
      this.gpio.drive(this.arming, 0);
      this.gpio.drive(this.safety, 1);
      this.clock.setTimeout(() => {
        this.gpio.drive(this.safety, 0);
        this.hooks.passed(follower);
        this.next();
      }, CROSS_MS);
    }, FOLLOW_MS);
  }

  private giveUp(): void {
    const car = this.onLoop;
    this.patience = null;
    this.waiting = false;
    this.onLoop = null;
    this.gpio.drive(this.arming, 0);
    if (car) this.hooks.gaveUp(car);
    this.next();
  }

  private next(): void {
    this.busy = false;
    this.clock.setTimeout(() => {
      if (!this.busy && this.queue.length > 0) void this.pullUp();
    }, NEXT_GAP_MS);
  }
}
