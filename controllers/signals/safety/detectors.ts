/**
 * Detector diagnostics (NTCIP 1202 detector alarms: no activity, max presence, erratic counts).
 * A faulted detector's phases go on recall so nothing starves, and its input is ignored until it recovers.
 */
import type { DetectorPlan } from '../config.ts';

export type DetectorFault = 'stuckOn' | 'chatter' | 'silent';

export interface DetectorHealth {
  on: boolean;
  onSinceMs: number;
  lastActivityMs: number;
  /** Timestamps of recent transitions (last minute) for chatter detection. */
  recent: number[];
  fault: DetectorFault | null;
}

export interface HealthChange {
  detectorId: string;
  fault: DetectorFault | null;
  previous: DetectorFault | null;
}

const MINUTE_MS = 60_000;

export function initialHealth(nowMs: number): DetectorHealth {
  return { on: false, onSinceMs: nowMs, lastActivityMs: nowMs, recent: [], fault: null };
}

/** Record a transition; returns the new health. */
export function recordTransition(h: DetectorHealth, on: boolean, nowMs: number): DetectorHealth {
  const recent = [...h.recent.filter((t) => nowMs - t < MINUTE_MS), nowMs];
  return { ...h, on, onSinceMs: on && !h.on ? nowMs : h.onSinceMs, lastActivityMs: nowMs, recent };
}

/** Silence only makes sense for vehicle detectors that call a phase; ped buttons may rest for hours. */
const watchesSilence = (d: DetectorPlan) =>
  (d.kind === 'stopBar' || d.kind === 'advance') && d.calls.length > 0;

/** Evaluate the fault status at `nowMs`. */
export function evaluate(
  d: DetectorPlan,
  h: DetectorHealth,
  nowMs: number,
  chatterPerMinute: number,
): DetectorFault | null {
  if (h.on && nowMs - h.onSinceMs > d.stuckOnMs) return 'stuckOn';
  const recent = h.recent.filter((t) => nowMs - t < MINUTE_MS).length;
  if (recent > chatterPerMinute) return 'chatter';
  // A chattering detector stays faulted until a quiet minute.
  if (h.fault === 'chatter' && recent > 0) return 'chatter';
  if (watchesSilence(d) && nowMs - h.lastActivityMs > d.silentMs) return 'silent';
  if (h.fault === 'stuckOn' && h.on) return 'stuckOn';
  return null;
}
