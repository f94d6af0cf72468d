/**
 * Derive what each phase and head shows from a sequencer snapshot. Pure: used by heads(), SPaT and the
 * hi-res logger. The conflict monitor does NOT use this; it only watches the resulting heads.
 */
import type { SnapshotFrom } from 'xstate';
import type { IntersectionConfig, PhasePlan } from '../config.ts';
import type { SequencerMachine } from '../sequencer/machine.ts';
import type { ControllerMode, HeadState, PedInterval, PhaseInterval } from '../types.ts';

export type SequencerSnapshot = SnapshotFrom<SequencerMachine>;

export interface Frame {
  mode: ControllerMode;
  /** Flashing (startup flash, operator or fault flash): every vehicle head flashes red. */
  flashing: boolean;
  phases: Record<number, PhaseInterval>;
  peds: Record<number, PedInterval>;
  /** Protected-permissive lefts running this cycle protected only (no FYA). */
  protectedOnly?: readonly number[];
}

export function modeOf(s: SequencerSnapshot): ControllerMode {
  if (s.matches('startup')) return 'startup';
  if (s.matches('preemption')) return 'preemption';
  if (s.matches('manualHold')) return 'manualHold';
  if (s.matches('flash')) return 'flash';
  return 'normal';
}

function clearingInterval(s: SequencerSnapshot): PhaseInterval {
  if (s.matches({ normal: 'yellow' }) || s.matches({ preemption: 'exitYellow' })) return 'yellow';
  return 'redClearance';
}

export function frameOf(config: IntersectionConfig, s: SequencerSnapshot): Frame {
  const mode = modeOf(s);
  const flashing = s.matches('flash') || s.matches({ startup: 'flash' });
  const ctx = s.context;
  const phases: Record<number, PhaseInterval> = {};
  const peds: Record<number, PedInterval> = {};
  const clearing = clearingInterval(s);
  const pedState: PedInterval = s.matches({ normal: { green: { ped: 'walk' } } })
    ? 'walk'
    : s.matches({ normal: { green: { ped: 'clearance' } } })
      ? 'pedClearance'
      : 'dontWalk';
  for (const p of config.phases) {
    if (!p.timed) continue;
    phases[p.id] = flashing
      ? 'red'
      : ctx.green.includes(p.id)
        ? 'green'
        : ctx.clearing.includes(p.id)
          ? clearing
          : 'red';
    if (p.pedWalkMs !== undefined) peds[p.id] = ctx.pedServing.includes(p.id) ? pedState : 'dontWalk';
  }
  const protectedOnly = Object.entries(ctx.leftModes)
    .filter(([, m]) => m === 'protected')
    .map(([id]) => Number(id));
  return { mode, flashing, phases, peds, ...(protectedOnly.length ? { protectedOnly } : {}) };
}

/** Head per signal group, for the edge to drive load switches. */
const byId = new WeakMap<IntersectionConfig, Map<number, PhasePlan>>();
function phaseMap(config: IntersectionConfig): Map<number, PhasePlan> {
  let m = byId.get(config);
  if (!m) {
    m = new Map(config.phases.map((p) => [p.id, p]));
    byId.set(config, m);
  }
  return m;
}

export function headsOf(config: IntersectionConfig, frame: Frame, dark = false): Record<string, HeadState> {
  const out: Record<string, HeadState> = {};
  const phases = phaseMap(config);
  for (const g of config.signalGroups) {
    const p = phases.get(g.phase);
    if (!p) continue;
    if (dark) out[g.name] = 'dark';
    else if (g.kind === 'ped')
      out[g.name] = frame.flashing ? 'dark' : pedHead(frame.peds[p.id] ?? 'dontWalk');
    else out[g.name] = frame.flashing ? 'flashingRed' : vehicleHead(p, frame);
  }
  return out;
}

function pedHead(i: PedInterval): HeadState {
  return i === 'walk' ? 'walk' : i === 'pedClearance' ? 'flashingDontWalk' : 'dontWalk';
}

function vehicleHead(p: PhasePlan, frame: Frame): HeadState {
  const own = p.timed ? (frame.phases[p.id] ?? 'red') : 'red';
  if (own === 'green') return p.movement === 'left' ? 'greenArrow' : 'green';
  if (own === 'yellow') return 'yellow';
  // FYA (NCHRP 493): permissive left flashes yellow while the opposing through is green and turns steady
  // yellow with it, so the left never sees red while opposing traffic still has yellow (no yellow trap).
  const fya = p.leftTurnMode === 'permissive' || p.leftTurnMode === 'protected-permissive';
  if (fya && !frame.protectedOnly?.includes(p.id)) {
    const opp =
      p.opposingThroughPhase === undefined ? 'red' : (frame.phases[p.opposingThroughPhase] ?? 'red');
    if (own === 'red' && opp === 'green') return 'flashingYellowArrow';
    if (own === 'red' && opp === 'yellow') return 'yellow';
  }
  return 'red';
}

/** True when nothing displayed differs (used to skip logging and monitoring on context-only changes). */
export function sameFrame(a: Frame, b: Frame): boolean {
  if (a.mode !== b.mode || a.flashing !== b.flashing) return false;
  if ((a.protectedOnly ?? []).join() !== (b.protectedOnly ?? []).join()) return false;
  for (const k in b.phases) if (a.phases[k] !== b.phases[k]) return false;
  for (const k in b.peds) if (a.peds[k] !== b.peds[k]) return false;
  return true;
}
