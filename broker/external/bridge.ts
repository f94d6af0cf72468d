/**
 * Ingest-only mode: this service is a client of an external MQTT cluster (mosquitto, EMQX,
 * HiveMQ, VerneMQ) instead of the devices' broker. Several ingest workers share the load with an
 * MQTT 5 shared subscription (`$share/{group}/cityedge/v1/#`: the broker gives each message to
 * one member); the session is persistent (clean start off, session expiry) so a worker that
 * restarts gets what was queued for it. Writes stay idempotent by message id (see ingest), so a
 * message delivered twice — a redelivery after a lost PUBACK, or a worker subscribed without
 * `$share` for its dashboard — lands once in InfluxDB.
 *
 * The node's own aedes still serves the dashboard (WebSocket) and the API: messages received
 * here are republished into it (live view, retained state), and command requests the API
 * publishes into it are forwarded to the external broker.
 */
import type { Aedes, PublishPacket } from 'aedes';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { decodeMessage } from '../../core/contract/topics.ts';
import type { DecodedMessage } from '../../core/contract/topics.ts';
import { isCommandTopic } from '../auth/acl.ts';

export interface ExternalBrokerConfig {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Stable per worker: the persistent session is keyed by it. */
  clientId: string;
  /** Shared-subscription group; workers of one group split the messages. */
  group: string;
  /** false = a plain subscription (every message; e.g. brokers without `$share`). */
  shared: boolean;
  sessionExpiryS: number;
  maxPayloadBytes: number;
}

export interface BridgeDeps {
  local: Aedes;
  counters: { inc(name: string, by?: number): void };
  log: Logger;
  onValid: (msg: DecodedMessage) => void;
}

const ROOT = 'cityedge/v1/';
const DLQ = 'cityedge/v1/_dlq/';

export interface RunningBridge {
  client: MqttClient;
  close(): Promise<void>;
}

export function subscriptionTopic(c: Pick<ExternalBrokerConfig, 'group' | 'shared'>): string {
  return c.shared ? `$share/${c.group}/${ROOT}#` : `${ROOT}#`;
}

export async function startBridge(config: ExternalBrokerConfig, deps: BridgeDeps): Promise<RunningBridge> {
  const opts: IClientOptions = {
    protocolVersion: 5,
    clientId: config.clientId,
    clean: false,
    properties: { sessionExpiryInterval: config.sessionExpiryS },
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password === undefined ? {} : { password: config.password }),
  };
  const client = mqtt.connect(config.url, opts);
  // PUBACK only after the message is handed to ingest (mqtt.js acknowledges when this calls back).
  client.handleMessage = (packet, callback) => {
    try {
      receive(packet.topic, Buffer.from(packet.payload), packet.retain ?? false, config, deps);
    } catch (e) {
      deps.counters.inc('external.errors');
      deps.log.error({ err: e, topic: packet.topic }, 'external ingest: message failed');
    }
    callback();
  };
  client.on('error', (e) => {
    deps.counters.inc('external.errors');
    deps.log.warn({ err: e.message }, 'external broker error');
  });
  client.on('connect', (connack) => {
    deps.counters.inc('external.connects');
    if (connack.sessionPresent) deps.counters.inc('external.sessionResumed');
    // A resumed session keeps its subscription; subscribing again is harmless and covers a
    // broker that lost the session (expired, restarted without persistence).
    client.subscribe(subscriptionTopic(config), { qos: 1 }, (e) => {
      if (e) deps.log.error({ err: e.message }, 'external subscribe failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(new Error(`external broker ${config.url}: ${e.message}`));
    client.once('connect', () => {
      client.off('error', onError);
      resolve();
    });
    client.once('error', onError);
  }).catch(async (e: unknown) => {
    await client.endAsync(true);
    throw e;
  });

  // Command requests the API (or a dashboard user) publishes on this node go out to the devices.
  const forward = (packet: PublishPacket, cb: () => void) => {
    deps.counters.inc('external.commands.forwarded');
    client.publish(packet.topic, Buffer.from(packet.payload), { qos: 1 }, () => undefined);
    cb();
  };
  await new Promise<void>((r) => deps.local.subscribe(`${ROOT}+/+/cmd/+`, forward, () => r()));
  deps.log.info(
    { url: config.url, topic: subscriptionTopic(config) },
    'ingest-only: subscribed to external broker',
  );

  return {
    client,
    close: async () => {
      await new Promise<void>((r) => deps.local.unsubscribe(`${ROOT}+/+/cmd/+`, forward, () => r()));
      // Keep the session (no clean disconnect of it): the broker queues for us until we return.
      await client.endAsync();
    },
  };
}

function receive(
  topic: string,
  payload: Buffer,
  retain: boolean,
  config: ExternalBrokerConfig,
  deps: BridgeDeps,
) {
  deps.counters.inc('external.messages');
  // Command requests (not responses) go out from this node, never in.
  if (topic.startsWith(DLQ) || isCommandTopic(topic)) return;
  if (payload.length === 0 && retain) return;
  if (payload.length > config.maxPayloadBytes) {
    deps.counters.inc('ingest.invalid');
    deps.counters.inc('ingest.invalid.BROKER_PAYLOAD_TOO_LARGE');
    return;
  }
  const r = decodeMessage(topic, payload);
  if (!r.ok) {
    // The external broker already delivered it to its subscribers; we count and log, and ingest nothing.
    deps.counters.inc('ingest.invalid');
    deps.counters.inc(`ingest.invalid.${r.error.code}`);
    deps.log.warn({ topic, code: r.error.code }, 'external ingest: invalid message');
    return;
  }
  if (r.value.kind !== 'command') deps.onValid(r.value);
  // Mirror into this node's broker: the dashboard's live view and retained state.
  deps.local.publish({ cmd: 'publish', topic, payload, qos: 0, retain, dup: false }, () => undefined);
}
