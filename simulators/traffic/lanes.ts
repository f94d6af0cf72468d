import { DEFAULT_CLASSES, TURN_FACTOR } from './vehicles.ts';
import type { Arrival } from './vehicles.ts';
import type { LaneGroup } from './types.ts';

/** HCM 2010 defaults: start-up lost time l1 and extension of effective green into yellow e. */
export const STARTUP_LOST_S = 2;
export const YELLOW_USE_S = 2;
/** Permissive left gap acceptance: critical headway t_c and follow-up t_f (HCM 2010 Ch. 31). */
export const CRITICAL_GAP_S = 4.5;
export const FOLLOW_UP_S = 2.5;
/** Red running is only plausible in the first seconds of red (most violations < 2 s into red). */
export const RED_RUN_WINDOW_S = 2;
/** Jam spacing beyond vehicle length (m) for queue length. */
export const JAM_GAP_M = 2.5;
/** Minimum headway between successive arrivals in one lane (no overtaking within a lane). */
export const MIN_FOLLOW_S = 1;
/**
 * A standing queue starts moving from the front: the start-up wave runs back at roughly one jam
 * spacing (≈ 7 m) per driver reaction (≈ 1.4 s), ≈ 5 m/s; a queue then passes a loop at a low
 * discharge speed (≈ 6 m/s), so the loop pulses instead of staying on.
 */
export const START_WAVE_MPS = 5;
export const QUEUE_PASS_MPS = 6;
/** Held this long behind the stop line or the queue, a vehicle has come to a halt. */
export const STOP_DELAY_S = 2;

export type Permission = 'go' | 'permissive' | 'yellow' | 'stop';

export function permissionOf(head: string | undefined): Permission {
  switch (head) {
    case 'green':
    case 'greenArrow':
      return 'go';
    case 'flashingYellowArrow':
    case 'flashingYellow':
      return 'permissive';
    case 'yellow':
    case 'yellowArrow':
      return 'yellow';
    default:
      return 'stop';
  }
}

export interface Veh extends Arrival {
  lane: Lane;
  speedMps: number;
  tFfS: number;
  tArrS: number;
  depS?: number;
  stopped: boolean;
  violation: boolean;
}

export interface Lane {
  group: LaneGroup;
  index: number;
  vehs: Veh[];
  /** EVs that traffic makes way for: they bypass the FIFO and wait only for the signal. */
  evs: Veh[];
  head: number;
  ready: number;
  lastDepS: number;
  queueM: number;
  dischargeFromS: number;
  perm: Permission;
  prevPerm: Permission;
  yellowStartS: number;
  redStartS: number;
  greenStartS: number;
  sneakers: number;
  greenS: number;
  busyS: number;
  maxQueue: number;
}

export function makeLane(group: LaneGroup, index: number): Lane {
  return {
    group,
    index,
    vehs: [],
    evs: [],
    head: 0,
    ready: 0,
    lastDepS: Number.NEGATIVE_INFINITY,
    queueM: 0,
    dischargeFromS: Number.NEGATIVE_INFINITY,
    perm: 'stop',
    prevPerm: 'stop',
    yellowStartS: Number.NEGATIVE_INFINITY,
    redStartS: Number.NEGATIVE_INFINITY,
    greenStartS: Number.NEGATIVE_INFINITY,
    sneakers: 0,
    greenS: 0,
    busyS: 0,
    maxQueue: 0,
  };
}

/** Saturation headway of this vehicle (s): 3600 / s, scaled by PCE and turn factor. */
export function satHeadwayS(v: Arrival, group: LaneGroup): number {
  return (3600 / (group.satFlowVphpl * TURN_FACTOR[v.turn])) * DEFAULT_CLASSES[v.cls].pce;
}

/** Records a display change at `tS` (start of the step in which it was seen). */
export function setPermission(lane: Lane, perm: Permission, tS: number): void {
  if (perm === lane.perm) return;
  const moving = perm === 'go' || perm === 'permissive';
  const wasMoving = lane.perm === 'go' || lane.perm === 'permissive';
  if (moving && !wasMoving) {
    // A standing queue starts up; a lane with nobody waiting has no start-up loss.
    lane.dischargeFromS = lane.ready > lane.head ? tS + STARTUP_LOST_S : Number.NEGATIVE_INFINITY;
    lane.greenStartS = tS;
    lane.sneakers = 0;
  }
  if (perm === 'yellow') lane.yellowStartS = tS;
  if (perm === 'stop') lane.redStartS = tS;
  lane.prevPerm = lane.perm;
  lane.perm = perm;
}

/** Whether opposing traffic leaves a gap of t_c after `tS` for a permissive left. */
export function gapAvailable(opposing: readonly Lane[], tS: number): boolean {
  for (const o of opposing) {
    if (o.perm === 'stop') continue;
    const next = o.vehs[o.head];
    if (next !== undefined && next.tArrS < tS + CRITICAL_GAP_S) return false;
  }
  return true;
}

/**
 * Earliest departure of the lane's head vehicle within the step starting at `tS`, or undefined
 * if it must wait. Encodes the discharge rules: saturation headway after start-up lost time,
 * yellow use e, permissive gap acceptance with sneakers, and red running.
 */
export function earliestDeparture(
  v: Veh,
  lane: Lane,
  tS: number,
  opposing: readonly Lane[],
  redRunShare: number,
): { depS: number; violation: boolean } | undefined {
  const h = satHeadwayS(v, lane.group);
  const base = Math.max(tS, v.tArrS, lane.lastDepS + h, lane.dischargeFromS + h);
  switch (lane.perm) {
    case 'go':
      return { depS: base, violation: false };
    case 'permissive': {
      const dep = Math.max(base, lane.lastDepS + FOLLOW_UP_S);
      return gapAvailable(opposing, dep) ? { depS: dep, violation: false } : undefined;
    }
    case 'yellow':
      if (lane.prevPerm === 'permissive' && v.tArrS <= lane.yellowStartS && lane.sneakers < 2) {
        lane.sneakers += 1; // HCM: up to two "sneakers" clear at the end of a permissive period
        return { depS: base, violation: false };
      }
      return lane.prevPerm === 'go' && base <= lane.yellowStartS + YELLOW_USE_S
        ? { depS: base, violation: false }
        : undefined;
    case 'stop': {
      const late = v.tArrS >= lane.yellowStartS && lane.yellowStartS >= lane.redStartS - 10;
      const early = base <= lane.redStartS + RED_RUN_WINDOW_S;
      return late && early && v.ev === undefined && v.runDraw < redRunShare
        ? { depS: base, violation: true }
        : undefined;
    }
  }
}

/** Departure of an EV that queued traffic yields to: signal permitting, it goes on arrival. */
export function evDeparture(v: Veh, lane: Lane, tS: number): number | undefined {
  const dep = Math.max(tS, v.tArrS);
  if (lane.perm === 'go' || lane.perm === 'permissive') return dep;
  if (lane.perm === 'yellow' && dep <= lane.yellowStartS + YELLOW_USE_S) return dep;
  return undefined;
}

/** Whether the queue over a loop `distanceM` upstream has started to move (start-up wave arrived). */
export function queueMovingAt(lane: Lane, distanceM: number, tS: number): boolean {
  const moving = lane.perm === 'go' || lane.perm === 'permissive';
  return moving && tS >= lane.greenStartS + distanceM / START_WAVE_MPS;
}
