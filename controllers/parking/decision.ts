/**
 * The gate decision as one pure function: plate read + registry + lot state + time → verdict.
 * The facade feeds the verdict to the lane's barrier machine.
 */
import type { LaneConfig, LotConfig, VehicleCategory } from './config.ts';
import { isOpenAt } from './hours.ts';
import { isPlausiblePlate, normalisePlate } from '../../core/plate.ts';
import { type RegistryIndex, lookupPlate } from './registry.ts';

/** One OCR result for a lane camera frame. `confidence` is 0..1. */
export interface PlateRead {
  plate: string | null;
  confidence: number;
  /** Alternative readings, best first. */
  candidates?: Array<{ plate: string; confidence: number }>;
  /** Reference to the stored frame (path, URL or id) for the log and operator review. */
  frameRef?: string;
}

export type DecisionReason =
  | 'registered'
  | 'registered-visitor'
  | 'public'
  | 'exit'
  | 'blocklisted'
  | 'not-registered'
  | 'registration-expired'
  | 'lot-full'
  | 'closed-hours'
  | 'unreadable'
  | 'low-confidence'
  | 'operator-approved'
  | 'operator-denied';

export interface Decision {
  verdict: 'open' | 'deny' | 'review';
  reason: DecisionReason;
  plate: string | null;
  category: VehicleCategory | 'unregistered' | null;
  /** Raise an operator alarm (blocklisted vehicle). */
  alarm: boolean;
  /** Entries only: which capacity pool the vehicle takes. */
  pool?: 'public' | 'reserved';
}

export interface DecisionInput {
  lot: Pick<LotConfig, 'capacity' | 'policy' | 'openingHours' | 'timezone'>;
  lane: Pick<LaneConfig, 'direction' | 'identify'>;
  read: PlateRead;
  registry: RegistryIndex;
  /** Vehicles inside now (gate count). */
  occupied: number;
  nowMs: number;
}

/** Spaces visitors may use; in `mixed` mode the reserved part is kept for permits. */
export function publicLimit(lot: Pick<LotConfig, 'capacity' | 'policy'>): number {
  return lot.policy.mode === 'mixed' ? lot.capacity - lot.policy.reservedCapacity : lot.capacity;
}

/** FULL as shown to visitors (permit holders may still enter the reserved part). */
export function isFullForVisitors(lot: Pick<LotConfig, 'capacity' | 'policy'>, occupied: number): boolean {
  return occupied >= publicLimit(lot);
}

export function decide(input: DecisionInput): Decision {
  const { lot, lane, read, registry, occupied, nowMs } = input;
  const plate = read.plate === null ? null : normalisePlate(read.plate);
  if (plate === null || !isPlausiblePlate(plate))
    return { verdict: 'review', reason: 'unreadable', plate, category: null, alarm: false };
  if (read.confidence < lane.identify.minConfidence)
    return { verdict: 'review', reason: 'low-confidence', plate, category: null, alarm: false };

  const found = lookupPlate(registry, plate, nowMs);
  const category = found.found ? found.category : 'unregistered';
  const valid = found.found && found.valid;
  const base = { plate, category } as const;
  if (valid && category === 'blocklisted') {
    // Exits still open: trapping a vehicle is worse than letting security follow it up.
    return lane.direction === 'exit'
      ? { verdict: 'open', reason: 'blocklisted', ...base, alarm: true }
      : { verdict: 'deny', reason: 'blocklisted', ...base, alarm: true };
  }
  if (lane.direction === 'exit') return { verdict: 'open', reason: 'exit', ...base, alarm: false };

  const privileged = valid && (category === 'staff' || category === 'disabled');
  const registeredVisitor = valid && category === 'visitor';
  const deny = (reason: DecisionReason): Decision => ({ verdict: 'deny', reason, ...base, alarm: false });
  if (!privileged && !isOpenAt(lot, nowMs)) return deny('closed-hours');
  if (lot.policy.mode === 'registered-only' && !privileged && !registeredVisitor)
    return deny(found.found && !found.valid ? 'registration-expired' : 'not-registered');

  const limit = privileged ? lot.capacity : publicLimit(lot);
  if (occupied >= limit) return deny('lot-full');
  const pool = occupied >= publicLimit(lot) ? 'reserved' : 'public';
  const reason: DecisionReason = privileged
    ? 'registered'
    : registeredVisitor
      ? 'registered-visitor'
      : 'public';
  return { verdict: 'open', reason, ...base, alarm: false, pool };
}
