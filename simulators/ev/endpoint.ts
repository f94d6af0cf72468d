/**
 * One junction's end of the MQTT priority path: a real mqtt.js client on the junction's device
 * topic. Commands on `cmd/+` go through the product's command router (contract validation,
 * `{status, data?, error?, transaction}` answers, malformed input answered and counted, never
 * thrown); `priority.request`/`priority.cancel` are applied to the junction's in-process
 * controller by the agent's own handlers (`registerSignalCommands` in edge/agent/signals/feature.ts).
 */
import type { IntersectionController } from '../../controllers/signals/index.ts';
import { filterFor, topics } from '../../core/contract/index.ts';
import { registerSignalCommands } from '../../edge/agent/signals/feature.ts';
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
  // The cabinet's own command surface, so priority.request/cancel behave exactly as on the agent.
  registerSignalCommands(router, new Map([[device, o.controller]]), {
    clock: { now: o.clockNow },
    nowEpochMs: o.nowEpochMs,
  });
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
