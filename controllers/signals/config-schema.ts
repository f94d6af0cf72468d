/**
 * Zod v4 schema of one intersection's configuration (YAML or JSON). Seconds in the file (`yellowS`),
 * milliseconds in the derived plan. Cross-field safety checks live in `config-checks.ts`.
 */
import { z } from 'zod';

/** NEMA phase number (NTCIP 1202 allows up to 16 phases; the classic dual ring uses 1–8). */
export const phaseId = z.number().int().min(1).max(16);

export const recallMode = z.enum(['none', 'min', 'max', 'ped', 'soft']);
export const leftTurnMode = z.enum(['protected', 'permissive', 'protected-permissive']);
/** The detector's role: stop-bar presence, advance (gap) loop, queue (spill-back) zone, count station. */
export const detectorKind = z.enum(['stopBar', 'advance', 'queue', 'pedButton', 'count']);

export const phaseSchema = z.object({
  id: phaseId,
  /** Named signal group (defaults to `P<id>`); heads() and SPaT use this name. */
  name: z.string().min(1).optional(),
  approach: z.string().min(1).optional(),
  movement: z.enum(['through', 'left', 'right']).default('through'),
  minGreenS: z.number().positive(),
  /** Passage (gap / unit extension) time. */
  passageS: z.number().positive(),
  /** Max1 — the normal maximum green. */
  maxGreenS: z.number().positive(),
  /** Max2 — alternate maximum selected by a timing plan. */
  maxGreen2S: z.number().positive().optional(),
  /** Bounds a timing plan (retiming) must respect; default [minGreenS, max(Max1, Max2)]. */
  maxGreenBoundsS: z.tuple([z.number().positive(), z.number().positive()]).optional(),
  /** Yellow change; omit it and give approachSpeedKmh (+ gradePercent) to use the ITE formula. */
  yellowS: z.number().positive().optional(),
  redClearanceS: z.number().min(0),
  approachSpeedKmh: z.number().positive().optional(),
  gradePercent: z.number().min(-15).max(15).optional(),
  pedWalkS: z.number().positive().optional(),
  pedClearanceS: z.number().positive().optional(),
  recall: recallMode.default('none'),
  leftTurnMode: leftTurnMode.optional(),
  /** For permissive / protected-permissive lefts: the opposing through phase (drives the FYA). */
  opposingThroughPhase: phaseId.optional(),
  /** Serve this phase when its ring has no call in a barrier the other ring enters (NEMA dual entry). */
  dualEntry: z.boolean().default(false),
  /** Longest a call for this phase may wait before the running greens are forced off (default: the intersection's). */
  maxWaitS: z.number().positive().optional(),
});

export const detectorSchema = z.object({
  id: z.string().min(1),
  kind: detectorKind,
  /** Hi-res log channel (Indiana 81/82 parameter); defaults to the detector's index + 1. */
  channel: z.number().int().min(1).max(255).optional(),
  calls: z.array(phaseId).default([]),
  extends: z.array(phaseId).default([]),
  lane: z.number().int().min(1).optional(),
  direction: z.string().min(1).optional(),
  /**
   * Advance loops: distance from the loop to the stop line (m). With the extended phase's approach
   * speed it sets the loop's extension (NTCIP 1202 vehicleDetectorExtend): the travel time to the stop
   * line less the phase's passage, so a gap is judged at the loop, not at the stop bar.
   */
  setbackM: z.number().positive().optional(),
  /** Fault thresholds; defaults come from `detectorFaults`. */
  stuckOnS: z.number().positive().optional(),
  silentS: z.number().positive().optional(),
});

export const preemptSchema = z.object({
  id: z.string().min(1),
  approach: z.string().min(1),
  /** Phases green while the EV is served (dwell). */
  phases: z.array(phaseId).min(1),
  /** NTCIP 1202 preemptMinimumDuration. */
  minDurationS: z.number().min(0).default(0),
  /** NTCIP 1202 preemptDwellGreen — minimum dwell. */
  dwellS: z.number().min(0).default(5),
  /** NTCIP 1202 preemptMaximumPresence — an input held longer is treated as failed. */
  maxPresenceS: z.number().positive().default(120),
  /** Minimum green a running phase may be cut down to when entering preemption. */
  preemptMinGreenS: z.number().positive().default(3),
  exitPhases: z.array(phaseId).min(1),
  checkOutDetector: z.string().min(1).optional(),
  priority: z.number().int().min(0).default(0),
});

export const intersectionSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  /** ATSPM SignalID. */
  signalId: z.number().int().min(0).default(1),
  phases: z.array(phaseSchema).min(2),
  rings: z.array(z.array(phaseId).min(1)).min(1).max(4),
  barriers: z.array(z.array(phaseId).min(1)).min(1),
  /** Explicit compatibility matrix: pairs of phases that may be green together. */
  compatible: z.array(z.tuple([phaseId, phaseId])),
  detectors: z.array(detectorSchema).default([]),
  /**
   * Maximum wait per movement: a call standing this long forces the running greens off (after their
   * min green and ped clearance) and is served next, so no approach starves under saturation.
   */
  maxWaitS: z.number().positive().default(120),
  preemption: z.array(preemptSchema).default([]),
  startup: z
    .object({ flashS: z.number().min(0).default(5), allRedS: z.number().min(0).default(4) })
    .default({ flashS: 5, allRedS: 4 }),
  detectorFaults: z
    .object({
      stuckOnS: z.number().positive().default(300),
      silentS: z.number().positive().default(3600),
      chatterPerMinute: z.number().int().positive().default(150),
    })
    .default({ stuckOnS: 300, silentS: 3600, chatterPerMinute: 150 }),
});

export type IntersectionConfigInput = z.input<typeof intersectionSchema>;
export type ParsedConfig = z.output<typeof intersectionSchema>;
export type PhaseConfig = z.output<typeof phaseSchema>;
export type DetectorConfig = z.output<typeof detectorSchema>;
export type PreemptConfig = z.output<typeof preemptSchema>;
