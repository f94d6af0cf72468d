/**
 * One junction's end of the MQTT priority path: a real mqtt.js client on the junction's device
 * topic. Commands on `cmd/+` go through the product's command router (contract validation,
 * `{status, data?, error?, transaction}` answers, malformed input answered and counted, never
 * thrown); `priority.request`/`priority.cancel` are applied to the junction's in-process
 * controller exactly as `edge/agent/signals-feature.ts` does (its `registerCommands` is private).
 */
import type { IntersectionController } from '../../controllers/signals/index.ts';
import { filterFor, topics } from '../../core/contract/index.ts';
import { CityEdgeError, type Result, err, ok } from '../../core/errors.ts';
import { type CommandStats, createCommandRouter } from '../../edge/uplink/commands.ts';
import { connectClient } from './mqtt-client.ts';

export interface EndpointOptions {
  readonly url: string;
  readonly site: string;
  readonly controller: IntersectionController;
  /** The controller's (simulated) clock, ms. */
  readonly clockNow: () => number;
  /** The device's wall clock, epoch ms (in the simulator: a fixed epoch + simulated time). */
  readonly nowEpochMs: () => number;
}

export interface IntersectionEndpoint {
  /** Device id and `intersection` argument: the controller's id in lower case, as the agent. */
  readonly device: string;
  /** Received / ok / rejected (malformed) / failed (refused) and errors by code. */
  stats(): CommandStats;
  close(): Promise<void>;
}

export async function startEndpoint(o: EndpointOptions): Promise<IntersectionEndpoint> {
  const device = o.controller.config.id.toLowerCase();
  const router = createCommandRouter(o.site, device);
  registerPriority(router, device, o);
  const client = await connectClient(o.url, `ev-endpoint-${device}`);
  // Handler before the subscription: a command may follow the SUBACK at once.
  client.on('message', (topic, payload) => {
    void router.dispatch(topic, payload).then((answer) => {
      if (!answer) return;
      client.publish(answer.topic, JSON.stringify(answer.response), { qos: topics.commandResponse.qos });
    });
  });
  await client.subscribeAsync(filterFor('command', { site: o.site, device }), { qos: topics.command.qos });
  return { device, stats: () => router.stats(), close: () => client.endAsync() };
}

/** The agent's mapping (signals-feature `registerCommands`), for one intersection. */
function registerPriority(
  router: ReturnType<typeof createCommandRouter>,
  device: string,
  o: EndpointOptions,
): void {
  const run = (id: string, f: (c: IntersectionController) => { ok: boolean; error?: unknown }) => {
    const found = find(device, id, o.controller);
    if (!found.ok) return found;
    const r = f(found.value);
    return r.ok
      ? ok({ mode: found.value.mode() })
      : err(new CityEdgeError('UPLINK_REFUSED', JSON.stringify(r.error).slice(0, 300)));
  };
  router.handle('priority.request', (a) =>
    run(a.intersection, (c) =>
      c.requestPriority({
        vehicleId: a.vehicleId,
        ...(a.routeId ? { routeId: a.routeId } : {}),
        ...(a.phase === undefined ? {} : { phase: a.phase }),
        ...(a.approach ? { approach: a.approach } : {}),
        // The request carries a wall-clock ETA; the controller counts on its own clock.
        etaMs: o.clockNow() + (a.etaTs - o.nowEpochMs()),
      }),
    ),
  );
  // As the agent: cancel → cancelPriority (the in-process bridge uses checkOut instead).
  router.handle('priority.cancel', (a) => run(a.intersection, (c) => c.cancelPriority(a.vehicleId)));
}

function find(device: string, id: string, c: IntersectionController): Result<IntersectionController> {
  return id === device
    ? ok(c)
    : err(new CityEdgeError('UPLINK_UNKNOWN_INTERSECTION', `no intersection "${id}" on this device`));
}
