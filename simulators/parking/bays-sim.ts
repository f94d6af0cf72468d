/**
 * The lot's bays with their sensors: each bay has a FakeBaySensor (the edge-bindings fake that
 * speaks the serial frame protocol) at bus address N = N-th bay of the lot, as the agent maps them.
 */
import type { BayConfig, LotConfig } from '../../controllers/parking/index.ts';
import { FakeBaySensor } from '../../core/ports/serial-fake-sensor.ts';
import type { SensorDropouts } from '../faults/index.ts';
import type { CarCategory, SimCar } from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface SimBay {
  config: BayConfig;
  address: number;
  sensor: FakeBaySensor;
  car: SimCar | null;
}

export class SimBays {
  readonly bays: SimBay[];

  constructor(
    lot: LotConfig,
    private readonly clock: Clock,
    send: (frame: Buffer) => void,
    private readonly dropouts: SensorDropouts,
    heartbeatMs = 60_000,
  ) {
    this.bays = lot.bays.map((config, i) => {
      const address = i + 1;
      const sensor = new FakeBaySensor({
        sensorId: address,
        clock,
        heartbeatMs,
        send: dropouts.wrap(address, send),
      });
      return { config, address, car: null, sensor };
    });
  }

  start(): void {
    for (const b of this.bays) {
      b.sensor.start();
      b.sensor.setOccupied(false); // sensors report their state when they join the bus
    }
  }

  stop(): void {
    for (const b of this.bays) b.sensor.stop();
  }

  /** Bay choice: permit holders prefer disabled bays, staff reserved ones, misusers a disabled bay. */
  choose(car: SimCar): SimBay | null {
    const free = this.bays.filter((b) => b.car === null);
    const of = (kind: string) => free.filter((b) => b.config.kind === kind);
    const prefs: Record<CarCategory, SimBay[][]> = {
      disabled: [of('disabled'), of('regular'), of('ev')],
      staff: [of('reserved'), of('regular'), of('ev')],
      visitor: [of('regular'), of('ev')],
      public: [of('regular'), of('ev')],
      blocklisted: [of('regular')],
    };
    const order = car.misusesDisabledBay ? [of('disabled'), ...prefs[car.category]] : prefs[car.category];
    for (const candidates of order) if (candidates.length > 0) return candidates[0]!;
    return free.find((b) => b.config.kind !== 'disabled') ?? null;
  }

  park(bay: SimBay, car: SimCar): void {
    bay.car = car;
    car.bayId = bay.config.id;
    bay.sensor.setOccupied(true);
  }

  leave(car: SimCar): void {
    const bay = this.bays.find((b) => b.car === car);
    if (!bay) return;
    bay.car = null;
    bay.sensor.setOccupied(false);
  }

  /** Fault: the sensor goes silent, then rejoins and reports its current state. */
  dropout(bay: SimBay, ms: number): void {
    this.dropouts.silence(bay.address, ms);
    this.clock.setTimeout(() => bay.sensor.setOccupied(bay.car !== null), ms + 1);
  }

  parked(): number {
    return this.bays.filter((b) => b.car !== null).length;
  }
}
