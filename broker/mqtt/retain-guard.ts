/**
 * Retained commands are impossible by every path (issue 16, hole 3). A command request is
 * one-shot: retained, it would run again on every boot of the device. authorizePublish only sees
 * what clients send, so the guard sits where every message passes — `broker.publish`, which
 * aedes calls for client publishes and wills and we call for the API, dead letters and the
 * external bridge — and, below it, where anything is stored as retained.
 */
import type { Aedes, PublishPacket } from 'aedes';
import { isCommandTopic } from '../auth/acl.ts';
import type { Counters } from '../metrics.ts';
import type { RetainedStore } from './aedes.ts';

/** Clears the retain flag of a command request (counted); other topics keep theirs. */
export function stripRetainedCommand(
  packet: Pick<PublishPacket, 'retain' | 'topic'>,
  counters: Counters,
): void {
  if (!packet.retain || !isCommandTopic(packet.topic)) return;
  packet.retain = false;
  counters.inc('mqtt.stripped.retain');
}

/**
 * Wraps `broker.publish` (an instance property shadows aedes's method, and aedes's own handlers
 * call `client.broker.publish`) and the persistence's `storeRetained`, which refuses a command
 * unless it is the zero-byte delete [MQTT-3.3.1-10] the start-up purge writes.
 */
export function forbidRetainedCommands(broker: Aedes, store: RetainedStore, counters: Counters): void {
  const publish = broker.publish.bind(broker);
  broker.publish = ((packet: PublishPacket, client: unknown, done: unknown) => {
    stripRetainedCommand(packet, counters);
    return (publish as (...a: unknown[]) => void)(packet, client, done);
  }) as Aedes['publish'];
  const storeRetained = store.storeRetained.bind(store);
  store.storeRetained = (packet) => {
    if (!isCommandTopic(packet.topic) || packet.payload.length === 0) return storeRetained(packet);
    counters.inc('mqtt.refused.retainedCommand');
    return Promise.resolve();
  };
}
