/**
 * Bay occupancy from sensor readings (debounced, silence → unknown) and the lot count from gate
 * events, reconciled: a gate/bay difference that outlives the grace period is reported as drift.
 * Names follow FIWARE Smart Data Models (OffStreetParking, ParkingSpot).
 */
import { z } from 'zod';
import type { BayConfig, LotConfig } from './config.ts';
import type { Clock } from '../../core/ports/clock.ts';

/** FIWARE ParkingSpot.status subset. */
export type BayStatus = 'free' | 'occupied' | 'closed' | 'unknown';

/** A bay sensor report as decoded from the serial bus. */
export const bayReadingSchema = z.union([
  z.object({ occupied: z.boolean(), fault: z.union([z.boolean(), z.string()]).optional() }),
  z.object({ state: z.enum(['free', 'occupied', 'fault']) }),
  /** Sensor alive (protocol heartbeat): keeps the bay from going unknown; state unchanged. */
  z.object({ heartbeat: z.literal(true) }),
]);
export type BayReading = z.input<typeof bayReadingSchema>;

export interface BayView {
  id: string;
  kind: BayConfig['kind'];
  sensor: string;
  status: BayStatus;
  /** Why the status is what it is: `sensor`, `sensor-fault`, `sensor-silent`, `no-reading`, `operator`. */
  reason: string;
  lastReadingAt: number | null;
  /** Disabled bays: an unpermitted vehicle is parked there. */
  violation: boolean;
}

/** FIWARE OffStreetParking counts. */
export interface LotCounts {
  totalSpotNumber: number;
  occupiedSpotNumber: number;
  availableSpotNumber: number;
  /** Vehicles inside according to the gates. */
  gateCount: number;
  /** Bays whose sensors say occupied / closed. */
  bayOccupied: number;
  bayClosed: number;
  /** Bays without a trusted reading (silent, faulted, never heard); the contract's name too. */
  unknownSpotNumber: number;
  /** gateCount − bayOccupied; null while bays are unknown. */
  drift: number | null;
}

interface BayState extends BayView {
  raw: boolean | null;
  closedByOperator: boolean;
  debounce: unknown;
  silence: unknown;
}

export interface OccupancyHooks {
  /** `violationCleared`: the bay had a disabled-bay violation that ended with this change. */
  bayStatus(bay: BayView, previous: BayStatus, violationCleared: boolean): void;
  drift(counts: LotCounts, corrected: boolean): void;
}

type Reading = { kind: 'fault' } | { kind: 'alive' } | { kind: 'value'; occupied: boolean };

function interpret(r: z.output<typeof bayReadingSchema>): Reading {
  if ('heartbeat' in r) return { kind: 'alive' };
  if ('state' in r)
    return r.state === 'fault' ? { kind: 'fault' } : { kind: 'value', occupied: r.state === 'occupied' };
  return r.fault ? { kind: 'fault' } : { kind: 'value', occupied: r.occupied };
}

export class Occupancy {
  private readonly bays = new Map<string, BayState>();
  private readonly bySensor = new Map<string, BayState>();
  private gateCount = 0;
  private driftTimer: unknown = null;
  /** Recent gate entries and bay releases (epoch ms): cars between a gate and a bay. */
  private recentEntries: number[] = [];
  private recentFrees: number[] = [];

  constructor(
    private readonly lot: LotConfig,
    private readonly clock: Clock,
    private readonly hooks: OccupancyHooks,
  ) {
    for (const b of lot.bays) {
      const state: BayState = {
        id: b.id,
        kind: b.kind,
        sensor: b.sensor,
        status: 'unknown',
        reason: 'no-reading',
        lastReadingAt: null,
        violation: false,
        raw: null,
        closedByOperator: false,
        debounce: null,
        silence: null,
      };
      this.bays.set(b.id, state);
      this.bySensor.set(b.sensor, state);
      this.armSilence(state);
    }
  }

  hasSensor(sensorId: string): boolean {
    return this.bySensor.has(sensorId);
  }

  bay(bayId: string): BayView | undefined {
    const b = this.bays.get(bayId);
    return b ? view(b) : undefined;
  }

  /** Apply a validated reading. Returns false if the sensor reported a fault. */
  reading(sensorId: string, parsed: z.output<typeof bayReadingSchema>): boolean {
    const bay = this.bySensor.get(sensorId);
    if (!bay) return false;
    bay.lastReadingAt = this.clock.now();
    this.armSilence(bay);
    const r = interpret(parsed);
    if (r.kind === 'fault') {
      this.cancelDebounce(bay);
      bay.raw = null;
      this.setStatus(bay, 'unknown', 'sensor-fault');
      return false;
    }
    if (r.kind === 'alive') {
      // Back from silence with a known last value: the sensor reports on change only.
      if (bay.status === 'unknown' && bay.reason === 'sensor-silent' && bay.raw !== null)
        this.setStatus(bay, bay.raw ? 'occupied' : 'free', 'sensor');
      return true;
    }
    const settled = bay.status === (r.occupied ? 'occupied' : 'free') && bay.reason === 'sensor';
    if (bay.raw === r.occupied && (bay.debounce !== null || settled)) return true;
    bay.raw = r.occupied;
    this.cancelDebounce(bay);
    if (settled) return true; // chatter that returned to the settled value
    const apply = () => {
      bay.debounce = null;
      this.setStatus(bay, r.occupied ? 'occupied' : 'free', 'sensor');
    };
    if (this.lot.occupancy.debounceMs === 0) apply();
    else bay.debounce = this.clock.setTimeout(apply, this.lot.occupancy.debounceMs);
    return true;
  }

  /** Operator closes (maintenance, event) or reopens a bay. */
  setClosed(bayId: string, closed: boolean): boolean {
    const bay = this.bays.get(bayId);
    if (!bay) return false;
    bay.closedByOperator = closed;
    if (closed) this.setStatus(bay, 'closed', 'operator');
    else if (bay.raw === null) this.setStatus(bay, 'unknown', 'no-reading');
    else this.setStatus(bay, bay.raw ? 'occupied' : 'free', 'sensor');
    return true;
  }

  setViolation(bayId: string, violation: boolean): void {
    const bay = this.bays.get(bayId);
    if (bay) bay.violation = violation;
  }

  /** A vehicle crossed an entry (+1) or exit (−1) gate. */
  gatePassed(delta: 1 | -1): void {
    this.gateCount = Math.max(0, this.gateCount + delta);
    if (delta === 1) this.recentEntries.push(this.clock.now());
    this.checkDrift();
  }

  /** Operator recount. */
  setGateCount(n: number): void {
    this.gateCount = Math.max(0, Math.floor(n));
    this.checkDrift();
  }

  counts(): LotCounts {
    let bayOccupied = 0;
    let unknownSpotNumber = 0;
    let bayClosed = 0;
    for (const b of this.bays.values()) {
      if (b.status === 'occupied') bayOccupied++;
      else if (b.status === 'unknown') unknownSpotNumber++;
      else if (b.status === 'closed') bayClosed++;
    }
    const total = this.lot.capacity;
    const occupied = Math.min(this.gateCount, total);
    return {
      totalSpotNumber: total,
      occupiedSpotNumber: occupied,
      availableSpotNumber: Math.max(0, total - occupied - bayClosed),
      gateCount: this.gateCount,
      bayOccupied,
      unknownSpotNumber,
      bayClosed,
      drift: unknownSpotNumber === 0 ? this.gateCount - bayOccupied : null,
    };
  }

  views(): BayView[] {
    return [...this.bays.values()].map(view);
  }

  dispose(): void {
    for (const b of this.bays.values()) {
      this.cancelDebounce(b);
      if (b.silence !== null) this.clock.clearTimeout(b.silence);
    }
    if (this.driftTimer !== null) this.clock.clearTimeout(this.driftTimer);
  }

  private setStatus(bay: BayState, status: BayStatus, reason: string): void {
    // A closed bay stays closed for the lot whatever its sensor says.
    const effective = bay.closedByOperator ? 'closed' : status;
    const effectiveReason = bay.closedByOperator ? 'operator' : reason;
    if (bay.status === effective && bay.reason === effectiveReason) return;
    const previous = bay.status;
    bay.status = effective;
    bay.reason = effectiveReason;
    if (previous === 'occupied' && effective === 'free') this.recentFrees.push(this.clock.now());
    const violationCleared = bay.violation && effective !== 'occupied';
    if (violationCleared) bay.violation = false;
    this.hooks.bayStatus(view(bay), previous, violationCleared);
    this.checkDrift();
  }

  private armSilence(bay: BayState): void {
    if (bay.silence !== null) this.clock.clearTimeout(bay.silence);
    bay.silence = this.clock.setTimeout(() => {
      bay.silence = null;
      this.cancelDebounce(bay);
      this.setStatus(bay, 'unknown', 'sensor-silent');
    }, this.lot.occupancy.sensorSilenceMs);
  }

  private cancelDebounce(bay: BayState): void {
    if (bay.debounce !== null) this.clock.clearTimeout(bay.debounce);
    bay.debounce = null;
  }

  /** Drift not explained by cars in transit (entered but not parked yet, or left a bay but not the lot). */
  private outOfTolerance(): boolean {
    const { drift } = this.counts();
    if (drift === null) return false;
    const since = this.clock.now() - this.lot.occupancy.transitMs;
    this.recentEntries = this.recentEntries.filter((t) => t > since);
    this.recentFrees = this.recentFrees.filter((t) => t > since);
    const tol = this.lot.occupancy.driftTolerance;
    return drift > this.recentEntries.length + tol || drift < -this.recentFrees.length - tol;
  }

  /** |gate − bays| beyond the tolerance, explained or not. */
  private rawDrift(): boolean {
    const { drift } = this.counts();
    return drift !== null && Math.abs(drift) > this.lot.occupancy.driftTolerance;
  }

  /**
   * Differences shorter than the grace period, or explained by recent entries / bay releases, are
   * cars between a gate and a bay. The check re-arms while any difference remains.
   */
  private checkDrift(): void {
    if (!this.rawDrift()) {
      if (this.driftTimer !== null) this.clock.clearTimeout(this.driftTimer);
      this.driftTimer = null;
      return;
    }
    if (this.driftTimer !== null) return;
    this.driftTimer = this.clock.setTimeout(() => {
      this.driftTimer = null;
      if (this.outOfTolerance()) {
        const before = this.counts();
        const correct =
          this.lot.occupancy.reconcile === 'correct' && this.lot.bays.length === this.lot.capacity;
        if (correct) this.gateCount = before.bayOccupied;
        this.hooks.drift(before, correct);
      }
      this.checkDrift(); // keep watching while a difference persists
    }, this.lot.occupancy.driftGraceMs);
  }
}

function view(b: BayState): BayView {
  return {
    id: b.id,
    kind: b.kind,
    sensor: b.sensor,
    status: b.status,
    reason: b.reason,
    lastReadingAt: b.lastReadingAt,
    violation: b.violation,
  };
}
