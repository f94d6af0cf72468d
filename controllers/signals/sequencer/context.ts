/** Sequencer context and events. The machine holds only facts; timing lives in named delays. */
import type { IntersectionConfig, LeftTurnMode } from '../config.ts';

export type TerminationReason = 'gapOut' | 'maxOut' | 'forceOff';

/** A preemption the planner has activated (the EV is close enough that its phase must turn green). */
export interface ActivePreempt {
  vehicleId: string;
  preemptId: string;
  phases: number[];
  exitPhases: number[];
  dwellMs: number;
  minDurationMs: number;
  preemptMinGreenMs: number;
  etaMs: number;
  /** True when the ETA does not leave room for full minimum greens (cut to the preempt minimum). */
  urgent: boolean;
  cleared: boolean;
  /** Set once its dwell began; a served preempt keeps the head of the queue. */
  serving?: boolean;
}

export interface SequencerContext {
  config: IntersectionConfig;
  /** Phases showing green now (carry-overs stay here during yellow and red clearance). */
  green: number[];
  /** Phases in yellow change or red clearance. */
  clearing: number[];
  /** Phases that began green at the last stage start (their min/max govern the stage). */
  started: number[];
  /** Stage decided at termination, begun after red clearance. */
  next: number[];
  /** Locking vehicle calls (advance / count detectors and calls latched at termination). */
  calls: number[];
  pedCalls: number[];
  /** Detectors currently on → phases they call and extend; nonLocking for stop-bar presence. */
  occupied: Record<string, { calls: number[]; extends: number[]; nonLocking: boolean }>;
  /** Phases on recall because one of their detectors failed (no starvation). */
  faultRecall: number[];
  /** Active max green per phase id (ms); timing plans change it at cycle boundaries. */
  maxGreenMs: Record<number, number>;
  /**
   * Green phases whose own min green has elapsed (NEMA TS2 per-phase minimum). A phase carried over
   * before its min was confirmed re-times it from the next stage start: longer, never shorter.
   */
  minConfirmed: number[];
  /** How far into the current green the min region has timed (ms): mins are confirmed in steps. */
  minTimedMs: number;
  /** Phases whose walk is timed in the current green. */
  pedServing: number[];
  flags: {
    minDone: boolean;
    preemptMinDone: boolean;
    gapExpired: boolean;
    maxExpired: boolean;
    pedDone: boolean;
  };
  termination: { reason: TerminationReason; phases: number[] } | null;
  preempts: ActivePreempt[];
  hold: number | null;
  flashRequested: boolean;
  /** Phases whose call has stood past its max wait (from the controller's clock): served next. */
  starved: number[];
  /**
   * How each protected-permissive left runs this cycle: both (arrow, then FYA), `protected` (no FYA)
   * or `permissive` (FYA only, its arrow phase skipped). Chosen per cycle by the controller.
   */
  leftModes: Record<number, LeftTurnMode>;
  /** Modes chosen but not yet in force: a left changes only while neither it nor its opposing through is green. */
  pendingLeftModes: Record<number, LeftTurnMode>;
}

export type SequencerEvent =
  | { type: 'detector.on'; id: string; calls: number[]; extends: number[]; nonLocking: boolean }
  | { type: 'detector.off'; id: string }
  | { type: 'ped.call'; phase: number }
  | { type: 'recall.fault'; phase: number; on: boolean }
  | { type: 'preempt.activate'; preempt: ActivePreempt }
  | { type: 'preempt.clear'; vehicleId: string }
  | { type: 'operator.flash' }
  | { type: 'operator.resetFlash' }
  | { type: 'operator.hold'; phase: number }
  | { type: 'operator.release' }
  | { type: 'fault'; reason: string }
  | { type: 'fault.reset' }
  | { type: 'timing.apply'; maxGreenMs: Record<number, number> }
  | { type: 'call.starved'; phases: number[] }
  | { type: 'left.modes'; modes: Record<number, LeftTurnMode> };

export function initialContext(config: IntersectionConfig): SequencerContext {
  const maxGreenMs: Record<number, number> = {};
  for (const p of config.phases) maxGreenMs[p.id] = p.maxGreenMs;
  return {
    config,
    green: [],
    clearing: [],
    started: [],
    next: [],
    calls: [],
    pedCalls: [],
    occupied: {},
    faultRecall: [],
    maxGreenMs,
    minConfirmed: [],
    minTimedMs: 0,
    pedServing: [],
    flags: { minDone: false, preemptMinDone: false, gapExpired: false, maxExpired: false, pedDone: true },
    termination: null,
    preempts: [],
    hold: null,
    flashRequested: false,
    starved: [],
    leftModes: Object.fromEntries(
      config.phases
        .filter((p) => p.timed && p.leftTurnMode === 'protected-permissive')
        .map((p) => [p.id, 'protected-permissive' as const]),
    ),
    pendingLeftModes: {},
  };
}
