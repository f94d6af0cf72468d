/**
 * Emergency-vehicle priority planning (pure). Decides WHEN to activate preemption so the EV's phase is
 * green at its ETA, using the worst-case transition time derived from the configuration.
 */
import type { IntersectionConfig, PreemptPlan } from '../config.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { PriorityRequest } from '../types.ts';

const maxOf = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);

/** Match a request to a preemption input: by approach, else the first input whose dwell holds the phase. */
export function resolvePreempt(config: IntersectionConfig, req: PriorityRequest): Result<PreemptPlan> {
  if (!req.vehicleId) return fail('PRIORITY_BAD_REQUEST', 'vehicleId is required');
  if (!Number.isFinite(req.etaMs)) return fail('PRIORITY_BAD_REQUEST', `etaMs ${req.etaMs} is not a number`);
  const byApproach = req.approach ? config.preemption.find((p) => p.approach === req.approach) : undefined;
  if (req.approach && !byApproach)
    return fail('PRIORITY_UNKNOWN_TARGET', `approach ${req.approach} has no preemption input`);
  const byPhase =
    req.phase === undefined
      ? undefined
      : config.preemption.find((p) => p.phases.includes(req.phase as number));
  if (req.phase !== undefined && !byPhase && !byApproach)
    return fail('PRIORITY_UNKNOWN_TARGET', `phase ${req.phase} is served by no preemption input`);
  const found = byApproach ?? byPhase;
  return found ? ok(found) : fail('PRIORITY_BAD_REQUEST', 'give phase or approach');
}

/**
 * Worst-case time from activation until the dwell phases are green: a change interval already running,
 * then a green cut to `greenFloorMs` (never below ped clearance), then its yellow and red clearance.
 */
export function worstCaseEntryMs(config: IntersectionConfig, greenFloorMs: number): number {
  const timed = config.phases.filter((p) => p.timed);
  const change = maxOf(timed.map((p) => p.yellowMs)) + maxOf(timed.map((p) => p.redClearanceMs));
  const pedClear = maxOf(timed.map((p) => p.pedClearanceMs ?? 0));
  return change + Math.max(greenFloorMs, pedClear) + change;
}

/** The green floor the sequencer cuts to for an urgent preempt (largest preempt minimum, capped by min green). */
export function preemptFloorMs(config: IntersectionConfig): number {
  const minGreen = maxOf(config.phases.filter((p) => p.timed).map((p) => p.minGreenMs));
  return Math.min(minGreen, maxOf(config.preemption.map((p) => p.preemptMinGreenMs)));
}

export interface ActivationPlan {
  /** Absolute ms at which to activate (≥ now). */
  activateAtMs: number;
  /** True when min greens must be cut to the preempt minimum to make the ETA. */
  urgent: boolean;
  /** 'extend' when the EV phase is green now and activation is immediate (green extension/hold). */
  strategy: 'extend' | 'bringForward' | 'preempt';
}

/**
 * Activate as late as still guarantees green at the ETA with full minimum greens (least disruption);
 * when the ETA is too close for that, activate now and allow cutting to the preempt minimum.
 */
export function planActivation(
  config: IntersectionConfig,
  nowMs: number,
  etaMs: number,
  evPhasesGreenNow: boolean,
): ActivationPlan {
  const fullMin = maxOf(config.phases.filter((p) => p.timed).map((p) => p.minGreenMs));
  const fullLead = worstCaseEntryMs(config, fullMin);
  const activateAtMs = Math.max(nowMs, etaMs - fullLead);
  const urgent = etaMs - nowMs < fullLead;
  const strategy =
    activateAtMs === nowMs && evPhasesGreenNow ? 'extend' : urgent ? 'preempt' : 'bringForward';
  return { activateAtMs, urgent, strategy };
}

/** A route pre-shared across intersections (e.g. by the dispatch centre). */
export interface PriorityRoute {
  routeId: string;
  vehicleId: string;
  /** Absolute ms at which the EV is at distance 0. */
  departMs: number;
  speedMps: number;
  stops: { intersectionId: string; distanceM: number; approach?: string; phase?: number }[];
}

export interface RouteRequest extends PriorityRequest {
  intersectionId: string;
}

/** Route → one request per intersection with its ETA (distance / speed), in route order. */
export function routeToRequests(route: PriorityRoute): Result<RouteRequest[]> {
  if (!(route.speedMps > 0))
    return fail('PRIORITY_BAD_REQUEST', `speedMps ${route.speedMps} must be positive`);
  const out: RouteRequest[] = [];
  let last = -Infinity;
  for (const [i, stop] of route.stops.entries()) {
    if (!(stop.distanceM >= 0) || stop.distanceM < last)
      return fail('PRIORITY_BAD_REQUEST', `stops[${i}].distanceM must be ≥ 0 and non-decreasing`);
    last = stop.distanceM;
    out.push({
      intersectionId: stop.intersectionId,
      vehicleId: route.vehicleId,
      routeId: route.routeId,
      ...(stop.approach !== undefined ? { approach: stop.approach } : {}),
      ...(stop.phase !== undefined ? { phase: stop.phase } : {}),
      etaMs: Math.round(route.departMs + (stop.distanceM / route.speedMps) * 1000),
    });
  }
  return ok(out);
}
