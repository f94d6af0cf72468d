/**
 * The simulated car park: cars arrive on the campus time-of-day profile, queue at the entry lane,
 * park in a bay, stay, and leave by the exit lane. Devices are the real boundaries' simulated
 * ends: GPIO lines (SimulatedGpio), bay sensors (serial frames), lane cameras (CameraPort).
 */
import type { LotConfig, Registry } from '../../controllers/parking/index.ts';
import { normalisePlate } from '../../core/plate.ts';
import { type DeviceLines, type SensorDropouts, sensorDropouts } from '../faults/index.ts';
import { createRng, type Rng } from '../camera/index.ts';
import { SimBarrier } from './barrier.ts';
import { type FreezableClock, freezable } from './clock.ts';
import { type SimBay, SimBays } from './bays-sim.ts';
import { LaneSim } from './lane-sim.ts';
import { type SimOptions, arrivalsPerHour } from './options.ts';
import { type CameraPort, type CarCategory, type SimCar, type Truth, emptyTruth } from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface WorldPorts {
  /** Device side of the GPIO lines (a SimulatedGpio, possibly behind FaultyLines). */
  gpio: DeviceLines;
  /** Bytes onto the bay-sensor bus (the pty's far end). */
  sendFrame(frame: Buffer): void;
  camera(laneId: string): CameraPort;
  /** A disabled-bay camera sees the car that just parked (set by the runner, optional). */
  bayCamera?: (bay: SimBay, car: SimCar) => void;
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const pin = (p: number | string) => (typeof p === 'number' ? p : Number.parseInt(p, 10));

export class LotWorld {
  readonly truth: Truth = emptyTruth();
  readonly cars: SimCar[] = [];
  readonly bays: SimBays;
  readonly rng: Rng;
  readonly dropouts: SensorDropouts;
  /** Everything the world schedules goes through this view, so `freeze()` stops the world. */
  readonly clock: FreezableClock;
  private readonly entries: LaneSim[];
  private readonly exits: LaneSim[];
  private readonly barriers: SimBarrier[] = [];
  private readonly byCategory = new Map<CarCategory, string[]>();
  private readonly present = new Set<string>();
  private readonly known = new Set<string>();
  private nextId = 1;
  private arrivalTimer: unknown = null;

  constructor(
    readonly lot: LotConfig,
    registry: Registry,
    baseClock: Clock,
    readonly opts: SimOptions,
    readonly ports: WorldPorts,
  ) {
    this.clock = freezable(baseClock);
    const clock = this.clock;
    this.rng = createRng(opts.seed);
    this.dropouts = sensorDropouts(baseClock);
    for (const v of registry.vehicles) {
      const plate = normalisePlate(v.plate);
      this.known.add(plate);
      const cat: CarCategory = v.category;
      this.byCategory.set(cat, [...(this.byCategory.get(cat) ?? []), plate]);
    }
    this.bays = new SimBays(lot, clock, (f) => ports.sendFrame(f), this.dropouts);
    const lanes = lot.lanes.map((l) => {
      this.barriers.push(
        new SimBarrier(
          ports.gpio,
          {
            output: pin(l.barrier.output),
            openLimit: pin(l.barrier.openLimit),
            closedLimit: pin(l.barrier.closedLimit),
          },
          clock,
        ),
      );
      return new LaneSim(l, ports.gpio, clock, ports.camera(l.id), {
        passed: (car) => (l.direction === 'entry' ? this.entered(car) : this.exited(car)),
        gaveUp: (car) => this.refused(car, l.direction),
      });
    });
    this.entries = lanes.filter((l) => l.lane.direction === 'entry');
    this.exits = lanes.filter((l) => l.lane.direction === 'exit');
  }

  start(): void {
    this.bays.start();
    this.scheduleArrival();
  }

  stop(): void {
    if (this.arrivalTimer !== null) this.clock.clearTimeout(this.arrivalTimer);
    this.bays.stop();
    for (const l of [...this.entries, ...this.exits]) l.stop();
    for (const b of this.barriers) b.stop();
  }

  /** Stop every car, sensor and boom where it is (for a final reconciliation). */
  freeze(): void {
    this.clock.freeze();
  }

  /** Cars queued at the lanes now. */
  queued(): number {
    return [...this.entries, ...this.exits].reduce((n, l) => n + l.pending(), 0);
  }

  private scheduleArrival(): void {
    const endArrivals = this.opts.startMs + this.opts.durationMs - this.opts.arrivalsStopBeforeEndMs;
    const perHour = arrivalsPerHour(this.clock.now(), -3, this.opts.demand);
    // Exponential inter-arrival at the current hour's rate; idle hours re-check every 5 min.
    const wait = perHour > 0 ? (-Math.log(1 - this.rng.next()) * 3_600_000) / perHour : 300_000;
    if (this.clock.now() + wait > endArrivals) return;
    this.arrivalTimer = this.clock.setTimeout(() => {
      if (perHour > 0) this.arrive();
      this.scheduleArrival();
    }, wait);
  }

  private newCar(category: CarCategory): SimCar {
    const pool = (this.byCategory.get(category) ?? []).filter((p) => !this.present.has(p));
    const plate = category === 'public' || pool.length === 0 ? this.randomPlate() : this.rng.pick(pool);
    const cat = pool.length === 0 && category !== 'public' ? 'public' : category;
    this.present.add(plate);
    const misuses = cat !== 'disabled' && this.rng.chance(this.opts.rates.disabledBayMisuse);
    const stayMs = Math.max(this.opts.minStayMs, -Math.log(1 - this.rng.next()) * this.opts.meanStayMs);
    const car: SimCar = { id: this.nextId++, plate, category: cat, misusesDisabledBay: misuses, stayMs };
    this.cars.push(car);
    return car;
  }

  private randomPlate(): string {
    for (;;) {
      let p = '';
      for (let i = 0; i < 4; i++) p += this.rng.pick([...LETTERS]);
      p += String(this.rng.int(0, 999)).padStart(3, '0');
      if (!this.known.has(p) && !this.present.has(p)) return p;
    }
  }

  private arrive(): void {
    const m = this.opts.mix;
    const x = this.rng.next();
    const category: CarCategory =
      x < m.staff
        ? 'staff'
        : x < m.staff + m.registeredVisitor
          ? 'visitor'
          : x < m.staff + m.registeredVisitor + m.disabledPermit
            ? 'disabled'
            : x < m.staff + m.registeredVisitor + m.disabledPermit + m.blocklisted
              ? 'blocklisted'
              : 'public';
    const car = this.newCar(category);
    this.truth.arrivals++;
    if (category !== 'blocklisted' && this.rng.chance(this.opts.rates.tailgate)) {
      car.follower = this.newCar('public');
      this.truth.arrivals++;
    }
    this.rng.pick(this.entries).arrive(car);
  }

  private entered(car: SimCar): void {
    car.enteredAt = this.clock.now();
    this.truth.entered++;
    this.truth.inside++;
    if (this.cars.some((c) => c.follower === car)) this.truth.tailgaters++;
    this.clock.setTimeout(() => this.park(car), this.rng.int(20_000, 60_000));
  }

  private park(car: SimCar): void {
    const bay = this.bays.choose(car);
    if (!bay) {
      this.truth.noBay++;
      this.clock.setTimeout(() => this.rng.pick(this.exits).arrive(car), this.rng.int(20_000, 40_000));
      return;
    }
    this.bays.park(bay, car);
    this.truth.parked++;
    if (bay.config.kind === 'disabled' && car.category !== 'disabled') this.truth.disabledMisuse++;
    if (bay.config.camera) this.clock.setTimeout(() => this.ports.bayCamera?.(bay, car), 5_000);
    if (this.rng.chance(this.opts.rates.sensorDropout)) this.bays.dropout(bay, this.opts.dropoutMs);
    this.clock.setTimeout(() => this.depart(car), car.stayMs);
  }

  private depart(car: SimCar): void {
    this.bays.leave(car);
    this.truth.parked--;
    car.bayId = undefined;
    this.clock.setTimeout(() => this.rng.pick(this.exits).arrive(car), this.rng.int(20_000, 40_000));
  }

  private exited(car: SimCar): void {
    car.exitedAt = this.clock.now();
    this.truth.exited++;
    this.truth.inside--;
    this.present.delete(car.plate);
  }

  private refused(car: SimCar, direction: 'entry' | 'exit'): void {
    if (direction === 'entry') {
      this.truth.refused++;
      this.present.delete(car.plate);
      car.exitedAt = this.clock.now();
      if (car.follower) {
        this.present.delete(car.follower.plate);
        car.follower.exitedAt = this.clock.now();
        this.truth.refused++;
      }
      return;
    }
    // Nobody is trapped: a car refused at the exit tries again (the operator would open).
    this.truth.exitRetries++;
    this.clock.setTimeout(() => this.rng.pick(this.exits).arrive(car), 30_000);
  }
}
