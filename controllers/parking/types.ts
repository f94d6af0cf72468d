/** Public contract of the parking controller: outputs to devices, events to the uplink, commands in. */
import { z } from 'zod';
import type { LotConfig } from './config.ts';
import type { Decision, PlateRead } from './decision.ts';
import type { Result } from '../../core/ports/result.ts';
import type { ParkingError } from './errors.ts';
import type { LogRecord } from './log.ts';
import type { BayStatus, BayView, LotCounts } from './occupancy.ts';

/** Device commands: the edge binds each to a GPIO line, camera or sign. */
export type ParkingOutput =
  | { type: 'barrier.raise'; laneId: string }
  | { type: 'barrier.lower'; laneId: string }
  | { type: 'light.flash'; laneId: string }
  | { type: 'light.off'; laneId: string }
  | { type: 'camera.trigger'; laneId: string }
  | { type: 'sign.full'; laneId: string; on: boolean }
  | { type: 'bay.warning'; bayId: string; on: boolean };

export type AlarmCode =
  | 'tailgate'
  | 'blocklisted'
  | 'gate-fault'
  | 'power-loss'
  | 'disabled-bay-violation'
  | 'occupancy-drift';

export interface Review {
  id: string;
  laneId: string;
  at: number;
  reason: 'unreadable' | 'low-confidence' | 'camera-timeout';
  /** Best read so far (null plate when nothing was legible). */
  best: PlateRead | null;
  frames: PlateRead[];
  /** What the lane did meanwhile. */
  fallback: 'deny' | 'open' | 'wait';
}

export interface AuditEntry {
  at: number;
  who: string;
  why: string;
  command: OperatorCommand['type'];
  target: string;
  accepted: boolean;
}

export type GateStateName =
  | 'closed'
  | 'identifying'
  | 'holding'
  | 'denied'
  | 'opening'
  | 'open'
  | 'closing'
  | 'faulted'
  | 'unpowered';

/** Facts for the uplink, dashboard and log. `at` is epoch ms from the injected clock. */
export type ParkingEvent =
  | { type: 'gate.state'; laneId: string; state: GateStateName; at: number }
  | { type: 'decision'; laneId: string; decision: Decision; at: number }
  | { type: 'entry'; record: LogRecord }
  | { type: 'exit'; record: LogRecord }
  | {
      type: 'alarm';
      code: AlarmCode;
      at: number;
      laneId?: string;
      bayId?: string;
      plate?: string | null;
      detail?: string;
    }
  | { type: 'review.requested'; review: Review }
  | { type: 'review.resolved'; review: Review; verdict: 'approve' | 'deny'; who: string; at: number }
  | { type: 'operator.audit'; entry: AuditEntry }
  | { type: 'operator.refused'; laneId: string; command: string; reason: string; at: number }
  | { type: 'bay.status'; bay: BayView; previous: BayStatus; at: number }
  | { type: 'bay.unverified'; bayId: string; plate: string | null; at: number }
  | { type: 'occupancy'; counts: LotCounts; at: number }
  | { type: 'occupancy.drift'; counts: LotCounts; corrected: boolean; at: number }
  | { type: 'lot.full'; on: boolean; at: number }
  | { type: 'input.rejected'; error: ParkingError; at: number };

const who = z.string().min(1);
const why = z.string().default('');
/** Operator commands from the dashboard (validated: the wire is untrusted). */
export const operatorCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('gate.open'), laneId: z.string(), who, why }),
  z.object({ type: z.literal('gate.close'), laneId: z.string(), who, why }),
  z.object({ type: z.literal('gate.reset'), laneId: z.string(), who, why }),
  z.object({ type: z.literal('review.approve'), reviewId: z.string(), who, why }),
  z.object({ type: z.literal('review.deny'), reviewId: z.string(), who, why }),
  z.object({ type: z.literal('bay.close'), bayId: z.string(), who, why }),
  z.object({ type: z.literal('bay.open'), bayId: z.string(), who, why }),
  z.object({ type: z.literal('count.set'), occupied: z.number().int().nonnegative(), who, why }),
]);
export type OperatorCommand = z.output<typeof operatorCommandSchema>;
export type OperatorCommandInput = z.input<typeof operatorCommandSchema>;

export const plateReadSchema = z.object({
  plate: z.string().max(20).nullable(),
  confidence: z.number().min(0).max(1),
  candidates: z
    .array(z.object({ plate: z.string().max(20), confidence: z.number().min(0).max(1) }))
    .optional(),
  frameRef: z.string().optional(),
});

export interface GateView {
  laneId: string;
  direction: LotConfig['lanes'][number]['direction'];
  state: GateStateName;
  safetyOccupied: boolean;
  armingOccupied: boolean;
  faultReason: string | null;
}

export interface ParkingSnapshot {
  at: number;
  lotId: string;
  counts: LotCounts;
  full: boolean;
  bays: BayView[];
  gates: GateView[];
  reviews: Review[];
  openStays: number;
  /** Rejected inputs by error code since start. */
  rejected: Record<string, number>;
  audit: AuditEntry[];
}

/** What an input (reading, plate read, command) did: accepted, or refused with a coded error. */
export type InputResult = Result<void, ParkingError>;
