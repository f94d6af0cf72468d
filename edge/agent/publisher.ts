/**
 * Turns domain facts into contract messages. Durable kinds (QoS 1) go through the store-and-
 * forward queue; QoS 0 superseded state (SPaT) is sent live only. A message our own mapping builds
 * wrongly is counted and logged (CONTRACT_SCHEMA), never allowed to crash the control loop.
 */
import { buildMessage, type Data, type TopicKind, topics } from '../../core/contract/index.ts';
import { CityEdgeError } from '../../core/errors.ts';
import type { Uplink } from '../uplink/uplink.ts';
import type { AgentLog } from './log.ts';

export type Enveloped = Exclude<TopicKind, 'command' | 'commandResponse'>;

export interface Publisher {
  publish<K extends Enveloped>(
    kind: K,
    params: Record<string, string>,
    data: Data<K>,
    atEpochMs?: number,
  ): void;
  errors(): Record<string, number>;
}

export function createPublisher(
  uplink: Uplink,
  base: { site: string; device: string },
  nowEpochMs: () => number,
  log: AgentLog,
): Publisher {
  const errors: Record<string, number> = {};
  return {
    publish(kind, params, data, atEpochMs) {
      try {
        const msg = buildMessage(kind, { ...base, ...params }, data, { ts: atEpochMs ?? nowEpochMs() });
        if (topics[kind].qos === 0) uplink.sendLive(msg);
        else
          void uplink.send(msg).then((r) => {
            if (!r.ok) {
              errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
              log.error({ err: r.error.message, kind }, 'queue write failed');
            }
          });
      } catch (e) {
        const code = e instanceof CityEdgeError ? e.code : 'CONTRACT_BUILD_FAILED';
        errors[code] = (errors[code] ?? 0) + 1;
        log.warn({ kind, err: e instanceof Error ? e.message : String(e) }, 'message not built');
      }
    },
    errors: () => ({ ...errors }),
  };
}
