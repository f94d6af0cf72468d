/**
 * One SUMO run with EV priority over MQTT: the bridge drives the controllers with its own
 * priority off, and after each simulated second every EV unit publishes its route position; the
 * dispatcher turns positions into `priority.request`/`priority.cancel` commands that the junction
 * endpoints apply to the controllers. The step waits until the dispatcher has seen this second's
 * positions and every command is answered, so a run is reproducible however fast the broker is.
 */
import { runBridge } from '../sumo/bridge.ts';
import { type ControllerFactory, createSimulatedClock } from '../sumo/controller.ts';
import { launchSumo } from '../sumo/launch.ts';
import type { IntersectionBinding } from '../sumo/mapping.ts';
import type { TraciClient } from '../sumo/traci/client.ts';
import { CityEdgeError } from '../../core/errors.ts';
import { type CommandRecord, type DispatchCounts, PriorityDispatcher, type RouteStop } from './dispatcher.ts';
import { type IntersectionEndpoint, startEndpoint } from './endpoint.ts';
import { type EvUnit, startEvUnit } from './unit.ts';

/** Device wall clock at simulation time 0: fixed, so ETAs in a report are reproducible. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);
export const FLEET_SITE = 'fleet';
export const JUNCTION_SITE = 'corridor';
/** Real time a step may wait for positions and responses before it counts a timeout. */
const SETTLE_TIMEOUT_MS = 3000;

export interface MqttPriorityOptions {
  readonly url: string;
  readonly sumoArgs: readonly string[];
  readonly bindings: readonly IntersectionBinding[];
  readonly factory: ControllerFactory;
  readonly route: { readonly id: string; readonly edges: readonly string[] };
  readonly vehicleIds: readonly string[];
  /** Called once the endpoints listen (the test sends a malformed command here). */
  readonly onReady?: (endpoints: readonly IntersectionEndpoint[]) => void | Promise<void>;
}

export interface MqttPriorityStats extends DispatchCounts {
  readonly positionsPublished: number;
  /** Steps whose positions or responses did not all arrive in SETTLE_TIMEOUT_MS. */
  readonly settleTimeouts: number;
  /** Per junction device: commands received, ok, rejected (malformed), failed, by code. */
  readonly endpoints: Readonly<Record<string, ReturnType<IntersectionEndpoint['stats']>>>;
  readonly log: readonly CommandRecord[];
}

export async function runWithMqttPriority(o: MqttPriorityOptions): Promise<MqttPriorityStats> {
  const { sumo, client } = await launchSumo(o.sumoArgs);
  const closers: (() => Promise<void>)[] = [];
  try {
    const clock = createSimulatedClock();
    const intersections = o.bindings.map((binding) => ({
      binding,
      controller: o.factory(binding.config, { clock }),
    }));
    const endpoints: IntersectionEndpoint[] = [];
    for (const x of intersections) {
      const e = await startEndpoint({
        url: o.url,
        site: JUNCTION_SITE,
        controller: x.controller,
        clockNow: () => clock.now(),
        nowEpochMs: () => SIM_EPOCH_MS + clock.now(),
      });
      closers.push(() => e.close());
      endpoints.push(e);
    }
    const lengths = await edgeLengths(client, o.route.edges);
    const dispatcher = await PriorityDispatcher.start({
      url: o.url,
      fleetSite: FLEET_SITE,
      junctionSite: JUNCTION_SITE,
      routes: { [o.route.id]: routeStops(o.route.edges, lengths, o.bindings) },
    });
    closers.push(() => dispatcher.close());
    const units = new Map<string, EvUnit>();
    for (const vehicleId of o.vehicleIds) {
      const u = await startEvUnit({ url: o.url, site: FLEET_SITE, vehicleId, routeId: o.route.id });
      closers.push(() => u.close());
      units.set(vehicleId, u);
    }
    await o.onReady?.(endpoints);
    const tracker = new PositionSource(client, o.route.edges, lengths, units);
    let settleTimeouts = 0;
    await runBridge({
      client,
      clock,
      intersections,
      priority: false, // the controllers hear about EVs only through MQTT
      onStep: async (timeS) => {
        const expected = await tracker.publish(SIM_EPOCH_MS + timeS * 1000);
        if (!(await dispatcher.settle(expected, SETTLE_TIMEOUT_MS))) settleTimeouts++;
      },
    });
    await client.close();
    await sumo.exited; // SUMO writes tripinfo on exit
    const positionsPublished = [...units.values()].reduce((n, u) => n + u.published(), 0);
    return {
      ...dispatcher.counts,
      positionsPublished,
      settleTimeouts,
      endpoints: Object.fromEntries(endpoints.map((e) => [e.device, e.stats()])),
      log: dispatcher.log,
    };
  } catch (e) {
    client.destroy();
    throw e;
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await sumo.kill();
  }
}

async function edgeLengths(client: TraciClient, edges: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (const e of edges) out.push(await client.lane.getLength(`${e}_0`));
  return out;
}

/** The pre-shared route as the dispatcher knows it: junctions crossed, in order, with stop lines. */
export function routeStops(
  edges: readonly string[],
  lengths: readonly number[],
  bindings: readonly IntersectionBinding[],
): RouteStop[] {
  const stops: RouteStop[] = [];
  let offset = 0;
  for (const [i, edge] of edges.entries()) {
    offset += lengths[i] ?? 0;
    for (const b of bindings) {
      const approach = b.mapping.approaches[edge];
      if (!approach) continue;
      stops.push({
        intersection: b.config.id.toLowerCase(),
        approach,
        stopLineOffsetM: offset,
        detectionRangeM: b.mapping.emergency.detectionRangeM,
      });
    }
  }
  return stops;
}

/** Reads each EV's route offset and speed from SUMO and hands them to its unit. */
class PositionSource {
  private readonly prefix: number[];
  private readonly onRoad = new Map<string, number>();

  constructor(
    private readonly client: TraciClient,
    private readonly edges: readonly string[],
    private readonly lengths: readonly number[],
    private readonly units: ReadonlyMap<string, EvUnit>,
  ) {
    this.prefix = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  }

  /** Publishes this second's fixes; returns the timestamp the dispatcher must see per vehicle. */
  async publish(ts: number): Promise<Map<string, number>> {
    const present = new Set(await this.client.vehicle.getIdList());
    const expected = new Map<string, number>();
    for (const [id, unit] of this.units) {
      if (present.has(id)) {
        const offset = await this.offset(id);
        this.onRoad.set(id, offset);
        await unit.publish({
          ts,
          routeOffsetM: offset,
          speedMps: await this.client.vehicle.getSpeed(id),
          active: true,
        });
        expected.set(id, ts);
      } else if (this.onRoad.has(id)) {
        // Arrived: one last inactive fix so the dispatcher releases what it still holds.
        await unit.publish({ ts, routeOffsetM: this.onRoad.get(id) ?? 0, speedMps: 0, active: false });
        this.onRoad.delete(id);
        expected.set(id, ts);
      }
    }
    return expected;
  }

  /** Along-route distance; inside a junction the offset is held at the approach's stop line. */
  private async offset(id: string): Promise<number> {
    if (!this.onRoad.has(id)) await this.checkRoute(id);
    const index = await this.client.vehicle.getRouteIndex(id);
    const road = await this.client.vehicle.getRoadId(id);
    const base = this.prefix[index] ?? 0;
    if (road.startsWith(':')) return base + (this.lengths[index] ?? 0);
    return base + (await this.client.vehicle.getLanePosition(id));
  }

  /** The unit reports offsets along the pre-shared route: SUMO must be driving that route. */
  private async checkRoute(id: string): Promise<void> {
    const route = await this.client.vehicle.getRoute(id);
    if (route.join(',') !== this.edges.join(','))
      throw new CityEdgeError(
        'SIM_EV_ROUTE_MISMATCH',
        `${id} drives ${route.join(',')}, not the shared route`,
      );
  }
}
