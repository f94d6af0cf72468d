/**
 * Emergency vehicles in SUMO → priority requests: on departure an EV of a configured vehicle class
 * has its route read (and announced), its position is subscribed, and each step the route-based
 * tracker turns positions into requests with ETAs and check-outs for each intersection.
 */
import type { BridgeIntersection } from './mapping.ts';
import { type EvObservation, EvTracker } from './ev-tracker.ts';
import type { TraciClient } from './traci/client.ts';
import { VAR } from './traci/constants.ts';
import type { SubscriptionResults } from './traci/subscriptions.ts';

/** Priority messages in the shape a dispatch/GPS system sends them to each intersection. */
export type PriorityMessage =
  | {
      readonly type: 'announce';
      readonly atS: number;
      readonly vehicleId: string;
      readonly routeId: string;
      readonly stops: readonly { readonly intersection: string; readonly approach: string }[];
    }
  | {
      readonly type: 'request';
      readonly atS: number;
      readonly vehicleId: string;
      readonly routeId: string;
      readonly intersection: string;
      readonly approach: string;
      readonly etaMs: number;
      readonly distanceM: number;
    }
  | {
      readonly type: 'checkOut';
      readonly atS: number;
      readonly vehicleId: string;
      readonly intersection: string;
    };

interface TrackedEv {
  readonly routeId: string;
  readonly route: readonly string[];
}

type Counter = (r: { ok: boolean; error?: { code: string } }) => void;
const EV_VARS = [VAR.ROAD_ID, VAR.LANEPOSITION, VAR.SPEED, VAR.ROUTE_INDEX, VAR.TIMELOSS];

export class EvPriorityRouter {
  requests = 0;
  checkOuts = 0;
  readonly seen: string[] = [];
  /**
   * Each EV's time loss (SUMO timeLoss) when it checks out of a junction, i.e. up to and across the
   * stop line: the part of its delay a signal can act on (the rest is lost following traffic downstream).
   */
  readonly lossAtCheckOutS: number[] = [];
  private readonly tracker: EvTracker;
  private readonly evClasses: ReadonlySet<string>;
  private readonly evs = new Map<string, TrackedEv>();
  private readonly edgeLength = new Map<string, number>();

  constructor(
    private readonly client: TraciClient,
    private readonly intersections: readonly BridgeIntersection[],
    /** False: messages are still reported, but the controllers are not told (no-priority baseline). */
    private readonly enabled: boolean,
    private readonly count: Counter,
    private readonly onMessage?: (m: PriorityMessage) => void,
  ) {
    this.tracker = new EvTracker(
      intersections.map((x) => ({
        name: x.binding.mapping.tls,
        approaches: x.binding.mapping.approaches,
        detectionRangeM: x.binding.mapping.emergency.detectionRangeM,
      })),
    );
    this.evClasses = new Set(intersections.flatMap((x) => x.binding.mapping.emergency.vClasses));
  }

  arrived(ids: readonly string[]): void {
    for (const id of ids) this.evs.delete(id);
  }

  /** Picks the EVs among newly departed vehicles, reads their route and subscribes to them. */
  async departed(ids: readonly string[], timeS: number): Promise<void> {
    for (const id of ids) {
      if (!this.evClasses.has(await this.client.vehicle.getVehicleClass(id))) continue;
      const route = await this.client.vehicle.getRoute(id);
      for (const e of route) {
        if (!this.edgeLength.has(e)) this.edgeLength.set(e, await this.client.lane.getLength(`${e}_0`));
      }
      const routeId = await this.client.vehicle.getRouteId(id);
      this.evs.set(id, { routeId, route });
      this.seen.push(id);
      this.onMessage?.({
        type: 'announce',
        atS: timeS,
        vehicleId: id,
        routeId,
        stops: stopsOn(route, this.intersections),
      });
      await this.client.subscribe('vehicle', id, EV_VARS);
    }
  }

  /** Sends this step's requests and check-outs to the intersections' controllers. */
  route(res: SubscriptionResults, nowMs: number, timeS: number): void {
    for (const a of this.tracker.update(nowMs, observe(res, this.evs), (e) => this.edgeLength.get(e) ?? 0)) {
      const ctl = this.intersections.find((x) => x.binding.mapping.tls === a.junction)?.controller;
      if (a.kind === 'request') {
        const { vehicleId, routeId, approach, etaMs, distanceM } = a;
        this.onMessage?.({
          type: 'request',
          atS: timeS,
          vehicleId,
          routeId,
          intersection: a.junction,
          approach,
          etaMs,
          distanceM,
        });
        if (!this.enabled || !ctl) continue;
        this.requests++;
        this.count(ctl.requestPriority({ vehicleId, routeId, approach, etaMs }));
      } else {
        this.onMessage?.({ type: 'checkOut', atS: timeS, vehicleId: a.vehicleId, intersection: a.junction });
        const loss = res.number('vehicle', a.vehicleId, VAR.TIMELOSS);
        if (loss !== undefined) this.lossAtCheckOutS.push(loss);
        if (!this.enabled || !ctl) continue;
        this.checkOuts++;
        this.count(ctl.checkOut(a.vehicleId));
      }
    }
  }
}

/** Intersections an EV route crosses, in route order, with the approach it uses at each. */
export function stopsOn(
  route: readonly string[],
  intersections: readonly BridgeIntersection[],
): { intersection: string; approach: string }[] {
  const stops: { intersection: string; approach: string }[] = [];
  for (const edge of route) {
    for (const x of intersections) {
      const approach = x.binding.mapping.approaches[edge];
      if (approach) stops.push({ intersection: x.binding.mapping.tls, approach });
    }
  }
  return stops;
}

function observe(res: SubscriptionResults, evs: ReadonlyMap<string, TrackedEv>): EvObservation[] {
  const out: EvObservation[] = [];
  for (const [vehicleId, ev] of evs) {
    const roadId = res.string('vehicle', vehicleId, VAR.ROAD_ID);
    if (roadId === undefined) continue; // not yet inserted / no values this step
    out.push({
      vehicleId,
      routeId: ev.routeId,
      route: ev.route,
      routeIndex: res.number('vehicle', vehicleId, VAR.ROUTE_INDEX) ?? 0,
      roadId,
      lanePositionM: res.number('vehicle', vehicleId, VAR.LANEPOSITION) ?? 0,
      speedMs: res.number('vehicle', vehicleId, VAR.SPEED) ?? 0,
    });
  }
  return out;
}
