/**
 * One controlled SUMO run: start SUMO (or connect to a running one), build a controller per
 * intersection on one simulated clock, run the bridge, close TraCI and make sure SUMO is gone.
 */
import { type BridgeResult, type PriorityMessage, runBridge } from './bridge.ts';
import { type ControllerFactory, createSimulatedClock } from './controller.ts';
import { type SumoProcess, launchSumo } from './launch.ts';
import type { IntersectionBinding } from './mapping.ts';
import { TraciClient } from './traci/client.ts';

/** How long to retry connecting to an already running SUMO (it may still be loading its network). */
export const CONNECT_RETRY_MS = 3000;

export type SumoTarget =
  | { readonly kind: 'launch'; readonly args: readonly string[] }
  | { readonly kind: 'connect'; readonly port: number; readonly host?: string };

export interface ControlledRunOptions {
  readonly target: SumoTarget;
  readonly bindings: readonly IntersectionBinding[];
  readonly factory: ControllerFactory;
  readonly priority?: boolean;
  readonly endS?: number;
  readonly onStep?: (timeS: number) => void | Promise<void>;
  readonly onPriority?: (m: PriorityMessage) => void;
}

export interface ControlledRunResult extends BridgeResult {
  readonly sumoVersion: string;
  /** SUMO's exit code when this run started it (null when we only connected). */
  readonly sumoExit: number | null;
}

export async function runControlled(o: ControlledRunOptions): Promise<ControlledRunResult> {
  let sumo: SumoProcess | undefined;
  let client: TraciClient;
  if (o.target.kind === 'launch') {
    ({ sumo, client } = await launchSumo(o.target.args));
  } else {
    client = await TraciClient.connect({
      port: o.target.port,
      host: o.target.host ?? '127.0.0.1',
      timeoutMs: CONNECT_RETRY_MS,
    });
  }
  try {
    const version = await client.getVersion();
    const clock = createSimulatedClock();
    const intersections = o.bindings.map((binding) => ({
      binding,
      controller: o.factory(binding.config, { clock }),
    }));
    const result = await runBridge({
      client,
      clock,
      intersections,
      ...(o.endS !== undefined ? { endS: o.endS } : {}),
      priority: o.priority ?? true,
      ...(o.onStep ? { onStep: o.onStep } : {}),
      ...(o.onPriority ? { onPriority: o.onPriority } : {}),
    });
    await client.close();
    // SUMO writes tripinfo on exit: wait for it so the caller can read complete files.
    const sumoExit = sumo ? await sumo.exited : null;
    return { ...result, sumoVersion: version.identifier, sumoExit };
  } catch (e) {
    client.destroy();
    throw e;
  } finally {
    await sumo?.kill();
  }
}
