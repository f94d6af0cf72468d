/**
 * Smart-parking controller — public API. Pure logic with an injected clock: the edge agent, the
 * dashboard and the lot simulator all bind to this facade.
 *
 * ```ts
 * const lot = parseLotYaml(text);          // ConfigResult<LotConfig>, each error names its field
 * const ctl = createParkingController(lot.value, registry.value, { clock });
 * ctl.onOutput((o) => gpio.apply(o));      // barrier.raise / barrier.lower / light.flash / sign.full …
 * ctl.onEvent((e) => uplink.publish(e));   // entry / exit / alarm / review.requested / bay.status …
 * ctl.start();                             // emits initial outputs (light.off, sign.full)
 * ctl.loop('entry-1', 'arming', true);     // → camera.trigger → ctl.plateRead('entry-1', read)
 * ```
 */
import type { LotConfig, Registry } from './config.ts';
import { type ControllerOptions, ParkingControllerImpl } from './controller.ts';
import type { BayReading } from './occupancy.ts';
import type {
  InputResult,
  OperatorCommandInput,
  ParkingEvent,
  ParkingOutput,
  ParkingSnapshot,
} from './types.ts';
import type { PlateRead } from './decision.ts';
import type { LogRecord } from './log.ts';
import type { Clock } from '../../core/ports/clock.ts';

export * from './config.ts';
export type { ControllerOptions } from './controller.ts';
export {
  type Decision,
  type DecisionReason,
  type PlateRead,
  decide,
  isFullForVisitors,
  publicLimit,
} from './decision.ts';
export type { ConfigResult, ParkingError, ParkingErrorCode } from './errors.ts';
export { type GateEmitted, type GateEvent, type GateInput, gateMachine } from './gate-machine.ts';
export { isOpenAt } from './hours.ts';
export type { LogRecord } from './log.ts';
export type { BayReading, BayStatus, BayView, LotCounts } from './occupancy.ts';
export { matchPlate } from './plate.ts';
export * from './types.ts';

/** The controller as seen by the edge agent, dashboard and simulator. All inputs are validated. */
export interface ParkingController {
  /** Start the lane machines and emit initial outputs. Input methods call it implicitly. */
  start(): void;
  /** Stop every machine and timer. */
  stop(): void;
  /** Arming loop (vehicle waiting at the barrier) or safety loop / photo-eye changed. */
  loop(laneId: string, which: 'arming' | 'safety', on: boolean): InputResult;
  /** Barrier limit switch changed. */
  limit(laneId: string, which: 'open' | 'closed', on: boolean): InputResult;
  /** OCR result for a lane camera frame; accepted only while a vehicle is being identified. */
  plateRead(laneId: string, read: PlateRead | unknown): InputResult;
  /** Decoded bay sensor report `{ occupied, fault? }`, `{ state }` or `{ heartbeat: true }` (keeps the bay known). */
  baySensor(sensorId: string, reading: BayReading | unknown): InputResult;
  /** Plate read by a bay camera (disabled bays: permit check). */
  bayCameraRead(bayId: string, read: PlateRead | unknown): InputResult;
  /** Dashboard command (gate.open/close/reset, review.approve/deny, bay.close/open, count.set); audited. */
  operator(cmd: OperatorCommandInput | unknown): InputResult;
  /** Add or replace a registry entry at run time. */
  registerVehicle(vehicle: unknown): InputResult;
  /** Remove a registry entry at run time (plate compared normalised); false when none matched. */
  removeVehicle(plate: string): boolean;
  /** Mains lost / restored at the lot (all lanes). */
  powerLoss(): void;
  powerRestored(): void;
  /** Device commands. Returns an unsubscribe function. */
  onOutput(fn: (o: ParkingOutput) => void): () => void;
  /** Domain events. Returns an unsubscribe function. */
  onEvent(fn: (e: ParkingEvent) => void): () => void;
  /** Lot counts (FIWARE names), bays, gates, pending reviews, rejected-input counters, audit tail. */
  snapshot(): ParkingSnapshot;
  /** The in/out log (most recent `n` records). */
  logTail(n: number): LogRecord[];
}

export function createParkingController(
  lot: LotConfig,
  registry: Registry,
  options: { clock: Clock } & Partial<Omit<ControllerOptions, 'clock'>>,
): ParkingController {
  const c = new ParkingControllerImpl(lot, registry, options);
  return {
    start: () => c.start(),
    stop: () => c.stop(),
    loop: (l, w, on) => c.loop(l, w, on),
    limit: (l, w, on) => c.limit(l, w, on),
    plateRead: (l, r) => c.plateRead(l, r),
    baySensor: (s, r) => c.baySensor(s, r),
    bayCameraRead: (b, r) => c.bayCameraRead(b, r),
    operator: (cmd) => c.operator(cmd),
    registerVehicle: (v) => c.registerVehicle(v),
    removeVehicle: (p) => c.removeVehicle(p),
    powerLoss: () => c.powerLoss(),
    powerRestored: () => c.powerRestored(),
    onOutput: (fn) => c.onOutput(fn),
    onEvent: (fn) => c.onEvent(fn),
    snapshot: () => c.snapshot(),
    logTail: (n) => c.log.tail(n),
  };
}
