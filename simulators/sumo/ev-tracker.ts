/**
 * Route-based emergency-vehicle priority, as a GPS/cellular system would do it: the EV's route
 * is known, so its distance to each junction's stop line is measured along the route; within
 * the detection range it becomes a priority request with an ETA, updated as it approaches, and
 * it checks out once it has left the junction's approach edge. Pure: no SUMO, no controller.
 */

export interface EvObservation {
  readonly vehicleId: string;
  readonly routeId: string;
  /** Edge ids of the whole route. */
  readonly route: readonly string[];
  /** Index in `route` of the edge the vehicle is on (or just left, while inside a junction). */
  readonly routeIndex: number;
  /** Current edge; internal junction edges start with ':'. */
  readonly roadId: string;
  readonly lanePositionM: number;
  readonly speedMs: number;
}

export interface JunctionApproaches {
  readonly name: string;
  /** Last edge before the stop line → approach name. */
  readonly approaches: Readonly<Record<string, string>>;
  readonly detectionRangeM: number;
}

export type EvAction =
  | {
      readonly kind: 'request';
      readonly junction: string;
      readonly vehicleId: string;
      readonly routeId: string;
      readonly approach: string;
      readonly distanceM: number;
      /** Expected arrival at the stop line, absolute clock ms (as PriorityRequest.etaMs). */
      readonly etaMs: number;
    }
  | { readonly kind: 'checkOut'; readonly junction: string; readonly vehicleId: string };

/** Below this speed the ETA uses it anyway: a queued EV will move once the queue is released. */
export const MIN_ETA_SPEED_MS = 5;
/** Re-send a request only when the predicted arrival moved this much (not one message per second). */
export const ETA_UPDATE_MS = 2000;

/** Route distance from the vehicle to the end of `route[target]`, or undefined if already past. */
export function distanceAlongRoute(
  o: EvObservation,
  target: number,
  edgeLengthM: (edge: string) => number,
): number | undefined {
  if (target < o.routeIndex) return undefined;
  const current = o.route[o.routeIndex] ?? '';
  const onInternal = o.roadId.startsWith(':');
  // inside a junction the current route edge is already behind the vehicle
  let d = onInternal ? 0 : edgeLengthM(current) - o.lanePositionM;
  if (onInternal && target === o.routeIndex) return undefined;
  for (let i = o.routeIndex + 1; i <= target; i++) d += edgeLengthM(o.route[i] ?? '');
  return Math.max(0, d);
}

export class EvTracker {
  private readonly active = new Map<string, { etaMs: number; approachIndex: number }>();

  constructor(private readonly junctions: readonly JunctionApproaches[]) {}

  /** Actions for one step, given every EV still in the simulation. */
  update(
    nowMs: number,
    observations: readonly EvObservation[],
    edgeLengthM: (edge: string) => number,
  ): EvAction[] {
    const actions: EvAction[] = [];
    const present = new Set<string>();
    for (const o of observations) {
      for (const j of this.junctions) {
        const key = `${j.name}\u0000${o.vehicleId}`;
        present.add(key);
        const state = this.active.get(key);
        if (state && o.routeIndex > state.approachIndex) {
          actions.push({ kind: 'checkOut', junction: j.name, vehicleId: o.vehicleId });
          this.active.set(key, { etaMs: Number.NaN, approachIndex: Number.POSITIVE_INFINITY });
          continue;
        }
        if (state && !Number.isFinite(state.approachIndex)) continue; // served already
        const target = findApproach(o, j);
        if (target === undefined) continue;
        const distanceM = distanceAlongRoute(o, target.index, edgeLengthM);
        if (distanceM === undefined || distanceM > j.detectionRangeM) continue;
        const etaMs = nowMs + Math.round((distanceM / Math.max(o.speedMs, MIN_ETA_SPEED_MS)) * 1000);
        if (state && Math.abs(state.etaMs - etaMs) < ETA_UPDATE_MS) continue;
        this.active.set(key, { etaMs, approachIndex: target.index });
        actions.push({
          kind: 'request',
          junction: j.name,
          vehicleId: o.vehicleId,
          routeId: o.routeId,
          approach: target.approach,
          distanceM,
          etaMs,
        });
      }
    }
    // vehicles that left the simulation while requesting must not hold the junction
    for (const [key, state] of this.active) {
      if (present.has(key)) continue;
      this.active.delete(key);
      if (Number.isFinite(state.approachIndex)) {
        const [junction = '', vehicleId = ''] = key.split('\u0000');
        actions.push({ kind: 'checkOut', junction, vehicleId });
      }
    }
    return actions;
  }
}

function findApproach(
  o: EvObservation,
  j: JunctionApproaches,
): { index: number; approach: string } | undefined {
  for (let i = o.routeIndex; i < o.route.length; i++) {
    const approach = j.approaches[o.route[i] ?? ''];
    if (approach) return { index: i, approach };
  }
  return undefined;
}
