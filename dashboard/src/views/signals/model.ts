/**
 * What the intersection view derives from the live state, pure (unit-tested in Node): heads laid
 * out by approach, time in phase against min/max per ring, which detectors and phases hold a call
 * (from the hi-res log), and the EV's ETA for the preemption banner.
 */
import type { Data } from '../../../../core/contract/index.ts';
import type { IntersectionState } from '../../state.ts';

import type { HeadState } from '../../../../core/ports/signal-head.ts';

export type { HeadState };
export type Approach = 'northbound' | 'southbound' | 'eastbound' | 'westbound';
export type Movement = 'left' | 'through' | 'right' | 'ped' | 'other';

export interface PlacedHead {
  group: string;
  state: HeadState;
  approach: Approach | null;
  movement: Movement;
  /** Short label under the head, e.g. "left", "thru", "ped". */
  label: string;
}

const DIRECTION: Array<[RegExp, Approach]> = [
  [/^(nb|north(bound)?)$/, 'northbound'],
  [/^(sb|south(bound)?)$/, 'southbound'],
  [/^(eb|east(bound)?)$/, 'eastbound'],
  [/^(wb|west(bound)?)$/, 'westbound'],
];

const MOVEMENT: Array<[RegExp, Movement]> = [
  [/^(ped|peds|pedestrian|walk)$/, 'ped'],
  [/^(left|lt|l)$/, 'left'],
  [/^(right|rt|r)$/, 'right'],
  [/^(through|thru|th|t)$/, 'through'],
];

const PED_STATES = new Set<HeadState>(['walk', 'flashingDontWalk', 'dontWalk']);
const ARROW_STATES = new Set<HeadState>(['greenArrow', 'yellowArrow', 'redArrow', 'flashingYellowArrow']);

/**
 * Signal groups are named by the intersection's config (controllers/signals names them after the
 * phase, e.g. `EB-left`, `NB-through-ped`); the approach and movement are read from those words.
 * A name that says neither still gets a head, in the "other" row, so nothing hides.
 */
export function placeHead(group: string, state: HeadState): PlacedHead {
  const words = group
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const approach = words.map((w) => DIRECTION.find(([re]) => re.test(w))?.[1]).find(Boolean) ?? null;
  // The last movement word wins: `EB-through-ped` is the ped head beside the EB through.
  const said = words.map((w) => MOVEMENT.find(([re]) => re.test(w))?.[1]).filter(Boolean) as Movement[];
  let movement: Movement = said.at(-1) ?? 'other';
  if (PED_STATES.has(state)) movement = 'ped';
  else if (movement === 'other' && ARROW_STATES.has(state)) movement = 'left';
  // An unknown movement word (a T-junction's `NB-stem`) is the label itself, without the direction.
  const rest = words.filter((w) => !DIRECTION.some(([re]) => re.test(w))).join(' ');
  const other = approach && rest ? rest : group;
  const label = movement === 'through' ? 'thru' : movement === 'other' ? other : movement;
  return { group, state, approach, movement, label };
}

const ORDER: Record<Movement, number> = { left: 0, through: 1, right: 2, ped: 3, other: 4 };

/** Heads per approach, left to right as a driver sees them (left arrow, through, right, ped). */
export function headsByApproach(groups: Record<string, HeadState>): {
  approaches: Record<Approach, PlacedHead[]>;
  other: PlacedHead[];
} {
  const approaches: Record<Approach, PlacedHead[]> = {
    northbound: [],
    southbound: [],
    eastbound: [],
    westbound: [],
  };
  const other: PlacedHead[] = [];
  for (const [g, s] of Object.entries(groups)) {
    const h = placeHead(g, s);
    (h.approach ? approaches[h.approach] : other).push(h);
  }
  for (const list of [...Object.values(approaches), other])
    list.sort((a, b) => ORDER[a.movement] - ORDER[b.movement] || a.group.localeCompare(b.group));
  return { approaches, other };
}

export interface RingTiming {
  ring: number;
  phase: number | null;
  interval: string;
  /** Time in the current phase interval, ms. */
  elapsedMs: number;
  /** When the interval may end at the earliest / must end at the latest, counted from its start. */
  minMs: number | null;
  maxMs: number | null;
}

/**
 * Time in phase against min/max. The SPaT's min/max ends are on the controller's own clock, so
 * only differences are used: the earliest end is `timeToChangeMs` after the SPaT's device time,
 * and the latest end lies `maxEndMs − minEndMs` after that.
 */
export function ringTimings(x: IntersectionState, now: number): RingTiming[] {
  const spat = x.spat;
  if (!spat) return [];
  const spatTs = x.spatTs ?? now;
  return spat.rings.map((r, i) => {
    const since = x.ringSince?.[i] ?? spatTs;
    const minAt = r.timeToChangeMs === null ? null : spatTs + r.timeToChangeMs;
    const maxAt =
      minAt !== null && r.maxEndMs !== null && r.minEndMs !== null ? minAt + (r.maxEndMs - r.minEndMs) : null;
    return {
      ring: r.ring,
      phase: r.phase,
      interval: r.interval,
      elapsedMs: Math.max(0, now - since),
      minMs: minAt === null ? null : Math.max(0, minAt - since),
      maxMs: maxAt === null ? null : Math.max(0, maxAt - since),
    };
  });
}

/** Standard NEMA dual ring (phases 1–8, barrier after 2|6 and 4|8) used to draw the diagram. */
export const NEMA_RINGS: number[][][] = [
  [
    [1, 2],
    [3, 4],
  ],
  [
    [5, 6],
    [7, 8],
  ],
];

export interface Calls {
  /** Detector channels whose last event was "on" (Indiana 82). */
  detectors: Set<number>;
  /** Phases with a call registered and not yet served or dropped (Indiana 43 vs 44 / 1). */
  phases: Set<number>;
  /** Phases seen in any event: the phases this intersection runs. */
  seen: Set<number>;
  /** Every detector channel the log mentions, ascending (the chips drawn, lit or not). */
  channels: number[];
}

const PHASE_CODES = new Set([0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 43, 44]);

/** Calls from the hi-res log (newest first, as the state keeps it). */
export function callsFrom(hiRes: Data<'hiRes'>['events'] | undefined): Calls {
  const calls: Calls = { detectors: new Set(), phases: new Set(), seen: new Set(), channels: [] };
  const decided = { det: new Set<number>(), phase: new Set<number>() };
  for (const e of hiRes ?? []) {
    if (PHASE_CODES.has(e.code)) calls.seen.add(e.param);
    if ((e.code === 81 || e.code === 82) && !decided.det.has(e.param)) {
      decided.det.add(e.param);
      if (e.code === 82) calls.detectors.add(e.param);
    }
    // A call ends when it is dropped or served (the phase turns green).
    if ((e.code === 43 || e.code === 44 || e.code === 1) && !decided.phase.has(e.param)) {
      decided.phase.add(e.param);
      if (e.code === 43) calls.phases.add(e.param);
    }
  }
  calls.channels = [...decided.det].sort((a, b) => a - b);
  return calls;
}

export interface PreemptBanner {
  vehicleId: string | null;
  routeId: string | null;
  /** Seconds until the EV reaches the stop line; negative once it is due; null when unknown. */
  etaS: number | null;
  active: boolean;
}

/**
 * How long after its ETA a priority request still shows when no cancel came (the EV may be late
 * or held up; the EV unit normally cancels once it has checked out).
 */
const PRIORITY_STALE_MS = 60_000;

/** The banner when the controller is in preemption or an EV has asked for priority recently. */
export function preemptBanner(x: IntersectionState, now: number): PreemptBanner | null {
  const p = x.priority && now - x.priority.etaTs < PRIORITY_STALE_MS ? x.priority : null;
  const active = x.heads?.mode === 'preemption' || x.spat?.mode === 'preemption';
  if (!active && !p) return null;
  return {
    vehicleId: p?.vehicleId ?? null,
    routeId: p?.routeId ?? null,
    etaS: p ? Math.round((p.etaTs - now) / 1000) : null,
    active,
  };
}

export interface CountRow {
  movement: string;
  byClass: Record<string, number>;
  total: number;
}

export const VEHICLE_CLASSES = ['motorcycle', 'car', 'van', 'heavy'] as const;

/** Counts of the last period by movement (direction + movement, else detector) and class. */
export function countRows(counts: Data<'counts'> | undefined): CountRow[] {
  const rows = new Map<string, CountRow>();
  for (const c of counts?.counts ?? []) {
    const key = c.movement ? `${c.direction} ${c.movement}` : `${c.direction} (${c.detector})`;
    const row = rows.get(key) ?? { movement: key, byClass: {}, total: 0 };
    row.byClass[c.vehicleClass] = (row.byClass[c.vehicleClass] ?? 0) + c.count;
    row.total += c.count;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.movement.localeCompare(b.movement));
}

type HiResEvent = Data<'hiRes'>['events'][number];

/** Live first, then history; one row per (time, code, parameter), newest first. */
export function mergeHiRes(live: HiResEvent[], history: HiResEvent[]): HiResEvent[] {
  const seen = new Set<string>();
  const out: HiResEvent[] = [];
  for (const e of [...live, ...history]) {
    const k = `${e.ts}:${e.code}:${e.param}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out.sort((a, b) => b.ts - a.ts);
}
