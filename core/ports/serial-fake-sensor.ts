/**
 * A simulated bay sensor that speaks the frame protocol: periodic heartbeats and battery reports,
 * occupancy and fault frames on demand. It writes to any byte sink (MockSerialGateway.send, a pty),
 * so the same fake drives unit tests and the parking simulator.
 */
import { encodeFrame, type SensorMessage, type SensorStatus } from './serial-frames.ts';
import type { Clock } from './clock.ts';

export interface FakeBaySensorOptions {
  sensorId: number;
  clock: Clock;
  send: (frame: Buffer) => void;
  /** Default 60 s. */
  heartbeatMs?: number;
  /** Default 1 h. */
  batteryMs?: number;
  batteryMv?: number;
  /** Magnetometer baseline; occupied bays read baseline + vehicleDelta. */
  baseline?: number;
  vehicleDelta?: number;
}

export class FakeBaySensor {
  private occupied = false;
  private seq = 0;
  private readonly startedMs: number;
  /** Current timer per periodic report (replaced on each tick, so long simulations do not grow it). */
  private readonly timers = new Map<string, unknown>();

  constructor(private readonly o: FakeBaySensorOptions) {
    this.startedMs = o.clock.now();
  }

  start(): this {
    this.every('heartbeat', this.o.heartbeatMs ?? 60_000, () => this.heartbeat());
    this.every('battery', this.o.batteryMs ?? 3_600_000, () => this.battery());
    return this;
  }

  stop(): void {
    for (const t of this.timers.values()) this.o.clock.clearTimeout(t);
    this.timers.clear();
  }

  isOccupied(): boolean {
    return this.occupied;
  }

  /** Reports a change of occupancy (a real sensor reports on change, not on every sample). */
  setOccupied(occupied: boolean): void {
    this.occupied = occupied;
    const raw = (this.o.baseline ?? 1200) + (occupied ? (this.o.vehicleDelta ?? 850) : 0);
    this.emit({ type: 'occupancy', sensorId: this.o.sensorId, occupied, raw });
  }

  heartbeat(): void {
    const uptimeS = Math.floor((this.o.clock.now() - this.startedMs) / 1000);
    this.seq = (this.seq + 1) & 0xffff;
    this.emit({ type: 'heartbeat', sensorId: this.o.sensorId, seq: this.seq, uptimeS });
  }

  battery(): void {
    const mv = this.o.batteryMv ?? 3600;
    // Li-SOCl2 cells sit near 3.6 V until almost empty; a linear 3.0–3.6 V map is good enough here.
    const percent = Math.max(0, Math.min(100, Math.round(((mv - 3000) / 600) * 100)));
    this.emit({ type: 'battery', sensorId: this.o.sensorId, millivolts: mv, percent });
  }

  status(status: SensorStatus, faultCode = 0): void {
    this.emit({ type: 'status', sensorId: this.o.sensorId, status, faultCode });
  }

  private emit(msg: SensorMessage): void {
    this.o.send(encodeFrame(msg));
  }

  private every(name: string, ms: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.timers.set(name, this.o.clock.setTimeout(tick, ms));
    };
    this.timers.set(name, this.o.clock.setTimeout(tick, ms));
  }
}
