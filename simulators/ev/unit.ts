/**
 * The emergency vehicle's on-board unit: a real mqtt.js client that publishes the vehicle's
 * position along its pre-shared route (`evPosition`) under its own device topic, once per
 * simulated second. It knows nothing about junctions: the dispatcher turns positions into ETAs.
 */
import { buildMessage } from '../../core/contract/index.ts';
import { connectClient } from './mqtt-client.ts';

export interface EvUnitOptions {
  readonly url: string;
  /** Fleet site; the device id is the vehicle id. */
  readonly site: string;
  readonly vehicleId: string;
  readonly routeId: string;
}

export interface EvFix {
  /** Device wall clock, epoch ms. */
  readonly ts: number;
  /** Distance driven along the route from its first edge's start, m. */
  readonly routeOffsetM: number;
  readonly speedMps: number;
  /** False once the vehicle has left its route (arrived): the dispatcher cancels what is left. */
  readonly active: boolean;
}

export interface EvUnit {
  readonly vehicleId: string;
  /** Positions published so far. */
  published(): number;
  publish(fix: EvFix): Promise<void>;
  close(): Promise<void>;
}

export async function startEvUnit(o: EvUnitOptions): Promise<EvUnit> {
  const client = await connectClient(o.url, `ev-unit-${o.vehicleId}`);
  let count = 0;
  return {
    vehicleId: o.vehicleId,
    published: () => count,
    async publish(fix) {
      const data = {
        vehicleId: o.vehicleId,
        routeId: o.routeId,
        routeOffsetM: Math.max(0, fix.routeOffsetM),
        speedMps: Math.max(0, fix.speedMps),
        active: fix.active,
      };
      const m = buildMessage('evPosition', { site: o.site, device: o.vehicleId }, data, { ts: fix.ts });
      await client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain });
      count++;
    },
    close: () => client.endAsync(),
  };
}
