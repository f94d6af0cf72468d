/**
 * Public types of the signal controller: what the edge, the microsimulator, the SUMO bridge and the
 * dashboard code against. Keep stable; document changes in docs/signals.md.
 */
import type { HeadState } from '../../core/ports/signal-head.ts';
import type { Result } from './errors.ts';

export type { HeadState } from '../../core/ports/signal-head.ts';

/** Interval a timed phase is in, as the sequencer sees it. */
export type PhaseInterval = 'green' | 'yellow' | 'redClearance' | 'red';
export type PedInterval = 'walk' | 'pedClearance' | 'dontWalk';

export type ControllerMode = 'startup' | 'normal' | 'preemption' | 'manualHold' | 'flash';

/** Emergency-vehicle priority request. Give `phase` or `approach` (matching a preemption input). */
export interface PriorityRequest {
  vehicleId: string;
  routeId?: string;
  phase?: number;
  approach?: string;
  /** Expected arrival at the stop line, absolute clock milliseconds. */
  etaMs: number;
}

export type OperatorCommand =
  | { type: 'flash' }
  | { type: 'resetFlash' }
  | { type: 'hold'; phase: number }
  | { type: 'release' };

/**
 * A timing plan from the retiming engine (controllers/signals/timing/). Values are checked against each
 * phase's `maxGreenBoundsMs` and applied at the next cycle boundary.
 */
export interface TimingPlan {
  id?: string;
  /** New maximum green per phase id, seconds. */
  maxGreenS?: Record<number, number>;
  /** Splits per phase id, seconds (green + yellow + red clearance); converted to max green. */
  splitsS?: Record<number, number>;
  /** Select Max2 instead of Max1 for phases not named in maxGreenS/splitsS. */
  useMax2?: boolean;
}

export interface RingSpat {
  ring: number;
  phase: number | null;
  interval: PhaseInterval;
  /** Earliest / latest time (absolute ms) the interval can end; null when unknown (resting). */
  minEndMs: number | null;
  maxEndMs: number | null;
  /** Time to the earliest change, ms (0 when resting with no demand). */
  timeToChangeMs: number | null;
}

/** SPaT-like state (SAE J2735 spirit): per ring current phase and timing window. */
export interface SpatState {
  intersectionId: string;
  timestampMs: number;
  mode: ControllerMode;
  rings: RingSpat[];
  phases: Record<number, PhaseInterval>;
  preempt: { vehicleId: string; phases: number[] } | null;
  monitorLatched: boolean;
}

/** Indiana Traffic Signal Hi-Resolution Data Logger event. */
export interface HiResEvent {
  signalId: number;
  /** Absolute ms, rounded to the decisecond (ATSPM resolution). */
  timestampMs: number;
  code: number;
  param: number;
}

export interface PhaseCycleMeasures {
  greenMs: number;
  arrivalsOnGreen: number;
  arrivalsOnRed: number;
  /** Green occupancy ratio of stop-bar detectors (ATSPM split failure uses GOR > 0.79 and ROR5 > 0.79). */
  greenOccupancy: number;
  /** Occupancy in the first 5 s of red. */
  redOccupancy5s: number;
  splitFailure: boolean;
  /** Share of the served green with a vehicle over a stop-bar/advance detector. */
  greenUtilisation: number;
  gapOuts: number;
  maxOuts: number;
  forceOffs: number;
  redLightViolations: number;
}

export interface DetectorCycleMeasures {
  count: number;
  occupancy: number;
  lane?: number;
  direction?: string;
}

export interface CycleMeasures {
  intersectionId: string;
  cycle: number;
  startMs: number;
  endMs: number;
  phases: Record<number, PhaseCycleMeasures>;
  detectors: Record<string, DetectorCycleMeasures>;
  /** Max-out terminations / all terminations in the cycle. */
  maxOutRate: number;
  preemptions: { vehicleId: string; durationMs: number }[];
}

/** Count-station actuation (lane & direction) for flow computation. */
export interface CountEvent {
  detectorId: string;
  timestampMs: number;
  lane?: number;
  direction?: string;
}

export type SafetyAlarmKind =
  | 'conflict'
  | 'minGreen'
  | 'yellowShort'
  | 'redClearanceShort'
  | 'permissiveWithoutOpposing'
  | 'yellowTrap'
  | 'detectorStuckOn'
  | 'detectorChatter'
  | 'detectorSilent'
  | 'detectorRecovered';

export interface SafetyAlarm {
  kind: SafetyAlarmKind;
  atMs: number;
  message: string;
  phases?: number[];
  detectorId?: string;
  /** True when the alarm latched flash (conflict monitor); detector faults do not. */
  latched: boolean;
}

/** The controller of one intersection. All times come from the injected clock. */
export interface IntersectionController {
  readonly config: import('./config.ts').IntersectionConfig;
  /** Start the sequencer (startup flash, then all-red, then normal). */
  start(): void;
  /** Stop all timers; heads go dark. */
  stop(): void;
  /** A detector input changed (presence, passage, ped button or count station). */
  detector(id: string, on: boolean): Result;
  requestPriority(req: PriorityRequest): Result;
  cancelPriority(vehicleId: string): Result;
  checkOut(vehicleId: string): Result;
  command(cmd: OperatorCommand): Result;
  /** Validate against bounds now; apply at the next cycle boundary. */
  applyTiming(plan: TimingPlan): Result;
  heads(): Record<string, HeadState>;
  spat(): SpatState;
  mode(): ControllerMode;
  /** Rejected inputs by error code (bad detector id, bad request …). */
  errorCounts(): Record<string, number>;
  onEvent(listener: (e: HiResEvent) => void): () => void;
  onCycle(listener: (m: CycleMeasures) => void): () => void;
  onAlarm(listener: (a: SafetyAlarm) => void): () => void;
  onCount(listener: (c: CountEvent) => void): () => void;
}
