/**
 * Conflict monitor (the MMU's job), independent of the sequencer: it reads only the configuration's
 * compatibility matrix and interval minimums, and watches the HEADS over time. Any violation latches
 * flash; the latch cannot be configured away and clears only on an explicit operator reset.
 */
import type { IntersectionConfig } from '../config.ts';
import type { HeadState, SafetyAlarm } from '../types.ts';

type Cls = 'G' | 'Y' | 'R';

interface Rules {
  /** Vehicle head name → phase, display kind, opposing phase for FYA. */
  heads: { name: string; phase: number; fya: boolean; opposing?: number; timed: boolean }[];
  peds: { name: string; phase: number }[];
  conflicts: Set<string>;
  minGreenMs: Map<number, number>;
  yellowMs: Map<number, number>;
  redClearanceMs: Map<number, number>;
}

export interface MonitorState {
  latched: boolean;
  cls: Map<number, Cls>;
  since: Map<number, number>;
  yellowEnd: Map<number, number>;
  lastHead: Map<string, HeadState>;
}

const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

export function monitorRules(config: IntersectionConfig): Rules {
  const timed = config.phases.filter((p) => p.timed);
  const conflicts = new Set<string>();
  for (const a of timed)
    for (const b of timed)
      if (a.id < b.id && !(config.compatibility[a.id] ?? []).includes(b.id)) conflicts.add(key(a.id, b.id));
  // The floor an MMU accepts: a preempt may cut min green down to its configured preempt minimum.
  const preemptFloor = Math.min(...config.preemption.map((p) => p.preemptMinGreenMs), Infinity);
  const heads = config.signalGroups
    .filter((g) => g.kind === 'vehicle')
    .map((g) => {
      const p = config.phases.find((q) => q.id === g.phase);
      return {
        name: g.name,
        phase: g.phase,
        fya: g.display === 'fya',
        timed: p?.timed ?? false,
        ...(p?.opposingThroughPhase !== undefined ? { opposing: p.opposingThroughPhase } : {}),
      };
    });
  return {
    heads,
    peds: config.signalGroups.filter((g) => g.kind === 'ped').map((g) => ({ name: g.name, phase: g.phase })),
    conflicts,
    minGreenMs: new Map(timed.map((p) => [p.id, Math.min(p.minGreenMs, preemptFloor)])),
    yellowMs: new Map(timed.map((p) => [p.id, p.yellowMs])),
    redClearanceMs: new Map(timed.map((p) => [p.id, p.redClearanceMs])),
  };
}

export function initialMonitor(): MonitorState {
  return { latched: false, cls: new Map(), since: new Map(), yellowEnd: new Map(), lastHead: new Map() };
}

/** Classify each timed phase from its head; FYA and its steady yellow belong to the opposing phase. */
function classify(rules: Rules, heads: Record<string, HeadState>, prev: MonitorState): Map<number, Cls> {
  const out = new Map<number, Cls>();
  for (const h of rules.heads) {
    if (!h.timed) continue;
    const s = heads[h.name] ?? 'dark';
    const permissiveYellow = h.fya && s === 'yellow' && prev.lastHead.get(h.name) === 'flashingYellowArrow';
    const prevCls = prev.cls.get(h.phase);
    const c: Cls =
      s === 'green' || s === 'greenArrow'
        ? 'G'
        : s === 'yellow' && !permissiveYellow && !(h.fya && prevCls === 'R')
          ? 'Y'
          : 'R';
    out.set(h.phase, c);
  }
  return out;
}

export interface MonitorResult {
  state: MonitorState;
  alarms: SafetyAlarm[];
}

/** Check one observation of the heads at absolute time `t` (ms). Pure. */
export function observeHeads(
  rules: Rules,
  state: MonitorState,
  t: number,
  heads: Record<string, HeadState>,
  toleranceMs = 0,
): MonitorResult {
  if (state.latched) return { state, alarms: [] };
  const alarms: SafetyAlarm[] = [];
  const alarm = (kind: SafetyAlarm['kind'], message: string, phases: number[]) =>
    alarms.push({ kind, atMs: t, message, phases, latched: true });
  const cls = classify(rules, heads, state);
  const since = new Map(state.since);
  const yellowEnd = new Map(state.yellowEnd);
  const allFlash = Object.values(heads).every((h) => h === 'flashingRed' || h === 'dark');
  for (const [p, c] of cls) {
    const before = state.cls.get(p) ?? 'R';
    if (c === before) continue;
    const dur = t - (state.since.get(p) ?? t);
    if (before === 'G' && !allFlash && dur + toleranceMs < (rules.minGreenMs.get(p) ?? 0))
      alarm('minGreen', `phase ${p} green ${dur} ms is below its minimum`, [p]);
    if (before === 'G' && c === 'R' && !allFlash) alarm('yellowShort', `phase ${p} went green → red`, [p]);
    if (before === 'Y' && dur + toleranceMs < (rules.yellowMs.get(p) ?? 0))
      alarm('yellowShort', `phase ${p} yellow ${dur} ms is below ${rules.yellowMs.get(p)} ms`, [p]);
    if (before === 'Y') yellowEnd.set(p, t);
    if (c === 'G') checkRedClearance(rules, p, t, yellowEnd, toleranceMs, alarm);
    since.set(p, t);
  }
  checkConflicts(rules, cls, alarm);
  checkPermissive(rules, heads, cls, alarm);
  checkPeds(rules, heads, cls, alarm);
  const lastHead = new Map(Object.entries(heads));
  const latched = alarms.length > 0;
  return { state: { latched, cls, since, yellowEnd, lastHead }, alarms };
}

type Alarm = (kind: SafetyAlarm['kind'], message: string, phases: number[]) => void;

function checkRedClearance(
  rules: Rules,
  p: number,
  t: number,
  yellowEnd: Map<number, number>,
  tol: number,
  alarm: Alarm,
): void {
  for (const [q, end] of yellowEnd) {
    if (!rules.conflicts.has(key(p, q))) continue;
    const need = rules.redClearanceMs.get(q) ?? 0;
    if (t - end + tol < need)
      alarm('redClearanceShort', `phase ${p} green ${t - end} ms after ${q}'s yellow`, [q, p]);
  }
}

function checkConflicts(rules: Rules, cls: Map<number, Cls>, alarm: Alarm): void {
  const active = [...cls].filter(([, c]) => c !== 'R').map(([p]) => p);
  for (const a of active)
    for (const b of active)
      if (a < b && rules.conflicts.has(key(a, b)))
        alarm('conflict', `conflicting phases ${a} and ${b} not red`, [a, b]);
}

function checkPermissive(
  rules: Rules,
  heads: Record<string, HeadState>,
  cls: Map<number, Cls>,
  alarm: Alarm,
) {
  for (const h of rules.heads) {
    const s = heads[h.name];
    // Yellow trap (FHWA / NCHRP 493): a permissive left showing steady yellow while the opposing
    // through stays green makes turners believe opposing traffic is stopping.
    if (h.fya && s === 'yellow' && h.opposing !== undefined && cls.get(h.opposing) === 'G')
      alarm('yellowTrap', `${h.name} steady yellow while opposing phase ${h.opposing} is green`, [h.phase]);
    if (s !== 'flashingYellowArrow' || h.opposing === undefined) continue;
    if (cls.get(h.opposing) !== 'G')
      alarm('permissiveWithoutOpposing', `${h.name} FYA while phase ${h.opposing} is not green`, [h.phase]);
    if (h.timed && cls.get(h.phase) !== 'R')
      alarm('conflict', `${h.name} FYA while its protected phase runs`, [h.phase]);
  }
}

function checkPeds(rules: Rules, heads: Record<string, HeadState>, cls: Map<number, Cls>, alarm: Alarm) {
  for (const ped of rules.peds) {
    const s = heads[ped.name];
    if ((s === 'walk' || s === 'flashingDontWalk') && cls.get(ped.phase) !== 'G')
      alarm('conflict', `${ped.name} shows ${s} while phase ${ped.phase} is not green`, [ped.phase]);
  }
}
