/**
 * Intersection configuration: parse (YAML/JSON text or an object), validate (schema + safety checks)
 * and derive the millisecond plan the controller and the conflict monitor run from.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { checkConfig, isPermissiveOnly, iteYellowS, YELLOW_MIN_S } from './config-checks.ts';
import { intersectionSchema, type ParsedConfig, type PhaseConfig } from './config-schema.ts';
import { type FieldIssue, fail, formatPath, ok, type Result } from './errors.ts';

export type { IntersectionConfigInput } from './config-schema.ts';
export { iteYellowS } from './config-checks.ts';

export type RecallMode = 'none' | 'min' | 'max' | 'ped' | 'soft';
export type LeftTurnMode = 'protected' | 'permissive' | 'protected-permissive';
export type DetectorKind = 'stopBar' | 'advance' | 'queue' | 'pedButton' | 'count';

/** One phase with every interval in milliseconds. */
export interface PhasePlan {
  id: number;
  name: string;
  approach?: string;
  movement: 'through' | 'left' | 'right';
  /** False for permissive-only lefts: displayed (FYA) but never timed by the rings. */
  timed: boolean;
  ring: number;
  barrier: number;
  minGreenMs: number;
  passageMs: number;
  maxGreenMs: number;
  maxGreen2Ms?: number;
  /** Bounds for `applyTiming` (retiming); inclusive. */
  maxGreenBoundsMs: [number, number];
  yellowMs: number;
  yellowSource: 'config' | 'ite';
  redClearanceMs: number;
  pedWalkMs?: number;
  pedClearanceMs?: number;
  recall: RecallMode;
  leftTurnMode?: LeftTurnMode;
  opposingThroughPhase?: number;
  dualEntry: boolean;
  /** Longest a call may stand before the running greens are forced off for it (ms). */
  maxWaitMs: number;
}

export interface DetectorPlan {
  id: string;
  kind: DetectorKind;
  channel: number;
  calls: number[];
  extends: number[];
  lane?: number;
  direction?: string;
  stuckOnMs: number;
  silentMs: number;
  /** How long the detector's output is held after the vehicle left (advance loops), ms; 0 = none. */
  extendMs: number;
  /** Advance loops: distance to the stop line, m. */
  setbackM?: number;
}

export interface PreemptPlan {
  id: string;
  approach: string;
  phases: number[];
  minDurationMs: number;
  dwellMs: number;
  maxPresenceMs: number;
  preemptMinGreenMs: number;
  exitPhases: number[];
  checkOutDetector?: string;
  priority: number;
}

export type SignalGroupKind = 'vehicle' | 'ped';
/** A head (load switch) the edge drives: one per phase, plus a ped head where the phase has ped timing. */
export interface SignalGroup {
  name: string;
  phase: number;
  kind: SignalGroupKind;
  display: 'ball' | 'arrow' | 'fya' | 'ped';
}

/** The validated, derived configuration (milliseconds). JSON-serialisable. */
export interface IntersectionConfig {
  id: string;
  name?: string;
  signalId: number;
  phases: PhasePlan[];
  rings: number[][];
  barriers: number[][];
  /** Phase id → ids it may be green with (symmetric). */
  compatibility: Record<number, number[]>;
  detectors: DetectorPlan[];
  preemption: PreemptPlan[];
  signalGroups: SignalGroup[];
  startup: { flashMs: number; allRedMs: number };
  chatterPerMinute: number;
}

const s = (x: number): number => Math.round(x * 1000);

/** Parse YAML or JSON text (JSON is YAML) or an already-parsed object. */
export function parseIntersectionConfig(input: string | unknown): Result<IntersectionConfig> {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input);
    } catch (err) {
      return fail('CONFIG_PARSE', `not valid YAML/JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const parsed = intersectionSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error.issues.map(zodIssue));
  const issues = checkConfig(parsed.data);
  if (issues.length > 0) return invalid(issues);
  return ok(derive(parsed.data));
}

/** Read and parse a `.yaml`/`.yml`/`.json` file. */
export async function loadIntersectionConfig(path: string): Promise<Result<IntersectionConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return fail('CONFIG_IO', `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseIntersectionConfig(text);
}

function zodIssue(issue: z.core.$ZodIssue): FieldIssue {
  return { path: formatPath(issue.path), message: issue.message };
}

function invalid(issues: FieldIssue[]): Result<IntersectionConfig> {
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  return fail('CONFIG_INVALID', message, issues);
}

function derive(cfg: ParsedConfig): IntersectionConfig {
  const ringOf = new Map<number, number>();
  for (const [r, ring] of cfg.rings.entries()) for (const id of ring) ringOf.set(id, r);
  const barrierOf = new Map<number, number>();
  for (const [k, b] of cfg.barriers.entries()) for (const id of b) barrierOf.set(id, k);
  const phases = cfg.phases.map((p) =>
    derivePhase(p, ringOf.get(p.id) ?? -1, barrierOf.get(p.id) ?? -1, cfg.maxWaitS),
  );
  const compatibility: Record<number, number[]> = {};
  for (const p of phases) compatibility[p.id] = [];
  for (const [a, b] of cfg.compatible) {
    compatibility[a]?.push(b);
    compatibility[b]?.push(a);
  }
  const f = cfg.detectorFaults;
  return {
    id: cfg.id,
    ...(cfg.name !== undefined ? { name: cfg.name } : {}),
    signalId: cfg.signalId,
    phases,
    rings: cfg.rings,
    barriers: cfg.barriers,
    compatibility,
    detectors: cfg.detectors.map((d, i) => ({
      id: d.id,
      kind: d.kind,
      channel: d.channel ?? i + 1,
      calls: d.calls,
      extends: d.extends,
      ...(d.lane !== undefined ? { lane: d.lane } : {}),
      ...(d.direction !== undefined ? { direction: d.direction } : {}),
      stuckOnMs: s(d.stuckOnS ?? f.stuckOnS),
      silentMs: s(d.silentS ?? f.silentS),
      extendMs: advanceExtendMs(d, cfg),
      ...(d.setbackM !== undefined ? { setbackM: d.setbackM } : {}),
    })),
    preemption: cfg.preemption.map((p) => ({
      id: p.id,
      approach: p.approach,
      phases: p.phases,
      minDurationMs: s(p.minDurationS),
      dwellMs: s(p.dwellS),
      maxPresenceMs: s(p.maxPresenceS),
      preemptMinGreenMs: s(p.preemptMinGreenS),
      exitPhases: p.exitPhases,
      ...(p.checkOutDetector ? { checkOutDetector: p.checkOutDetector } : {}),
      priority: p.priority,
    })),
    signalGroups: signalGroups(phases),
    startup: { flashMs: s(cfg.startup.flashS), allRedMs: s(cfg.startup.allRedS) },
    chatterPerMinute: f.chatterPerMinute,
  };
}

/**
 * An advance loop's extension: travel time from the loop to the stop line at the approach speed,
 * less the passage the phase times after the output drops (the gap then spans loop → stop line).
 * With advance loops on several lanes of one phase, any of them holds the green, so the gap each
 * may leave is the lane's divided by the loops watching the phase (the same headway per lane).
 */
function advanceExtendMs(d: ParsedConfig['detectors'][number], cfg: ParsedConfig): number {
  const setback = d.setbackM;
  if (setback === undefined) return 0;
  const ext = cfg.phases.filter((p) => d.extends.includes(p.id));
  // No approach speed: no travel time to judge the gap by, the loop is plain presence.
  const travelS = Math.min(
    ...ext.map((p) => (p.approachSpeedKmh ? setback / (p.approachSpeedKmh / 3.6) : 0)),
  );
  const passageS = Math.max(0, ...ext.map((p) => p.passageS));
  const loops = cfg.detectors.filter(
    (o) => o.setbackM !== undefined && o.extends.some((id) => d.extends.includes(id)),
  ).length;
  // Rounded to 0.1 s, as every configured interval.
  return Math.max(0, Math.round((travelS / loops - passageS) * 10) * 100);
}

function derivePhase(p: PhaseConfig, ring: number, barrier: number, maxWaitS: number): PhasePlan {
  const ite = p.approachSpeedKmh !== undefined ? iteYellowS(p.approachSpeedKmh, p.gradePercent) : undefined;
  // Round the ITE value up to the next 0.1 s so the displayed yellow is never below the formula.
  const yellowS = p.yellowS ?? Math.max(YELLOW_MIN_S, Math.ceil((ite ?? YELLOW_MIN_S) * 10) / 10);
  const maxAll = Math.max(p.maxGreenS, p.maxGreen2S ?? 0);
  const bounds = p.maxGreenBoundsS ?? [p.minGreenS, maxAll];
  return {
    id: p.id,
    name: p.name ?? `P${p.id}`,
    ...(p.approach !== undefined ? { approach: p.approach } : {}),
    movement: p.movement,
    timed: !isPermissiveOnly(p),
    ring,
    barrier,
    minGreenMs: s(p.minGreenS),
    passageMs: s(p.passageS),
    maxGreenMs: s(p.maxGreenS),
    ...(p.maxGreen2S !== undefined ? { maxGreen2Ms: s(p.maxGreen2S) } : {}),
    maxGreenBoundsMs: [s(bounds[0]), s(bounds[1])],
    yellowMs: s(yellowS),
    yellowSource: p.yellowS === undefined ? 'ite' : 'config',
    redClearanceMs: s(p.redClearanceS),
    ...(p.pedWalkS !== undefined ? { pedWalkMs: s(p.pedWalkS) } : {}),
    ...(p.pedClearanceS !== undefined ? { pedClearanceMs: s(p.pedClearanceS) } : {}),
    recall: p.recall,
    ...(p.leftTurnMode ? { leftTurnMode: p.leftTurnMode } : {}),
    ...(p.opposingThroughPhase !== undefined ? { opposingThroughPhase: p.opposingThroughPhase } : {}),
    dualEntry: p.dualEntry,
    maxWaitMs: s(p.maxWaitS ?? maxWaitS),
  };
}

function signalGroups(phases: PhasePlan[]): SignalGroup[] {
  const groups: SignalGroup[] = [];
  for (const p of phases) {
    const display =
      p.leftTurnMode === 'permissive' || p.leftTurnMode === 'protected-permissive'
        ? 'fya'
        : p.movement === 'left'
          ? 'arrow'
          : 'ball';
    groups.push({ name: p.name, phase: p.id, kind: 'vehicle', display });
    if (p.pedWalkMs !== undefined)
      groups.push({ name: `${p.name}-ped`, phase: p.id, kind: 'ped', display: 'ped' });
  }
  return groups;
}

/** Phase lookup helper shared by the sequencer and reports. */
export function phaseOf(config: IntersectionConfig, id: number): PhasePlan | undefined {
  return config.phases.find((p) => p.id === id);
}

export function isCompatible(config: IntersectionConfig, a: number, b: number): boolean {
  return a === b || (config.compatibility[a]?.includes(b) ?? false);
}
