/**
 * Timing-layer domain types. Deliberately independent of the controller's config schema so the
 * timing functions stay pure and testable; `from-config.ts` maps the published config onto them.
 */
import type { Result as CoreResult } from '../../../core/ports/result.ts';
import type { HeadState } from '../../../core/ports/signal-head.ts';

/** One NEMA-style phase as far as timing is concerned. All durations in seconds. */
export interface PhaseTiming {
  /** NEMA phase number (1..16). */
  id: number;
  /** Signal group (head) this phase drives. */
  signalGroup: string;
  minGreenS: number;
  maxGreenS: number;
  yellowS: number;
  allRedS: number;
  /** True for a protected turn shown with arrows (green/yellow arrow). */
  arrow?: boolean;
  /** Pedestrian head timed with this phase (walk then flashing don't walk). */
  ped?: { signalGroup: string; walkS: number; clearanceS: number };
}

/**
 * Ring-and-barrier structure (NEMA TS 2 §3.5): phases in one ring run in sequence; all rings
 * cross each barrier together. `rings[r]` is the ring's phase order over the whole cycle.
 */
export interface RingBarrier {
  rings: number[][];
  /** Phase sets between consecutive barriers, in cycle order. */
  barriers: number[][];
}

/** A flashing-yellow-arrow head: permissive while the opposing through phase is green. */
export interface FyaHead {
  signalGroup: string;
  opposingPhase: number;
}

export interface TimingLayout extends RingBarrier {
  phases: PhaseTiming[];
  /** Permissive / protected-permissive left heads (MUTCD 4D.20 flashing yellow arrow). */
  fya?: FyaHead[];
}

/** A fixed-time or adaptive split plan. Greens are displayed green (excluding yellow/all-red). */
export interface TimingPlan {
  cycleS: number;
  greensS: Record<number, number>;
  offsetS: number;
}

export type { HeadState } from '../../../core/ports/signal-head.ts';

export type Heads = Record<string, HeadState | string>;

/** Errors as values (STYLE.md): code grouped by subsystem. */
export interface TimingError {
  code: 'TIMING_NO_PHASES' | 'TIMING_OVERSATURATED' | 'TIMING_BAD_RING' | 'TIMING_BAD_FLOW';
  message: string;
}

/** core's one Result shape, with the timing error by default. */
export type Result<T, E = TimingError> = CoreResult<T, E>;
