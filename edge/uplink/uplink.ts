/**
 * MQTT uplink: one mqtt.js client speaking MQTT 3.1.1 (aedes 1.x refuses v5) with a persistent
 * session, a retained birth/last-will pair on `…/status`, command subscription, and a pump that
 * drains the durable queue in order, deleting an entry only on its PUBACK.
 *
 * Ordering: entries are handed to mqtt.js in sequence order within an in-flight window. When the
 * link drops, mqtt.js keeps un-acked QoS 1 packets in its outgoing store (clean session off) and
 * re-sends them, in order, before it emits `connect` again; only then does the pump continue.
 * If the process dies instead, the entries are still in SQLite and are replayed from the start.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { buildMessage, filterFor, type OutgoingMessage } from '../../core/contract/index.ts';
import type { Result } from '../../core/errors.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import { type CommandRouter, createCommandRouter } from './commands.ts';
import type { SeenTransactions } from './seen.ts';

export interface UplinkLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface UplinkOptions {
  /** `mqtt://host:1883` or `mqtts://host:8883`. */
  url: string;
  clientId: string;
  site: string;
  device: string;
  username?: string;
  password?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string };
  keepaliveS?: number;
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /** Queue entries handed to mqtt.js but not yet PUBACKed. Default 100. */
  inflightWindow?: number;
  version?: string;
  /** Command transactions accepted before (see seen.ts); the agent keeps it in its data dir. */
  seen?: SeenTransactions;
  nowEpochMs?: () => number;
  log?: UplinkLog;
}

export interface UplinkStats {
  connected: boolean;
  connects: number;
  disconnects: number;
  delivered: number;
  inflight: number;
  /** QoS 0 live messages skipped because the link was down. */
  liveSkipped: number;
  lastError: string | null;
}

export interface Uplink {
  readonly commands: CommandRouter;
  start(): void;
  /** Durable: committed to the queue, delivered after PUBACK (QoS 1) however long the outage. */
  send(message: OutgoingMessage): Promise<Result<number>>;
  /** Live only (QoS 0 superseded state such as SPaT): published when connected, else skipped. */
  sendLive(message: OutgoingMessage): void;
  stats(): UplinkStats;
  onConnect(listener: () => void): () => void;
  /** Publishes retained `offline` and disconnects cleanly (no last-will on a clean DISCONNECT). */
  stop(): Promise<void>;
}

const silent: UplinkLog = { info() {}, warn() {}, error() {} };
const STOP_STEP_MS = 2_000;
const TIMED_OUT = Symbol('timed out');

/** Resolves with the promise's value, or TIMED_OUT after `ms`; never rejects. */
function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((r) => {
    timer = setTimeout(() => r(TIMED_OUT), ms);
  });
  const settled: Promise<T | typeof TIMED_OUT> = p.catch(() => TIMED_OUT);
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

export function createUplink(opts: UplinkOptions, queue: DurableQueue): Uplink {
  const now = opts.nowEpochMs ?? Date.now;
  const log = opts.log ?? silent;
  const window = opts.inflightWindow ?? 100;
  const startedAt = now();
  const params = { site: opts.site, device: opts.device };
  const commands = createCommandRouter(opts.site, opts.device, opts.seen ? { seen: opts.seen } : {});
  const stats: UplinkStats = {
    connected: false,
    connects: 0,
    disconnects: 0,
    delivered: 0,
    inflight: 0,
    liveSkipped: 0,
    lastError: null,
  };
  const connectListeners = new Set<() => void>();
  const inflight = new Set<number>();
  let cursor = 0;
  let rewindTo = Number.POSITIVE_INFINITY;
  let client: MqttClient | null = null;
  let stopping = false;
  let unsubscribeQueue: (() => void) | null = null;

  const availability = (state: 'online' | 'offline') => {
    const data = { state, startedAt, ...(opts.version ? { version: opts.version } : {}) };
    return buildMessage('status', params, data, { ts: now() });
  };
  const willFor = () => {
    const m = availability('offline');
    return { topic: m.topic, payload: Buffer.from(m.payload), qos: 1 as const, retain: true };
  };

  const pump = () => {
    const c = client;
    if (!c?.connected || stopping) return;
    if (inflight.size === 0 && rewindTo !== Number.POSITIVE_INFINITY) {
      cursor = rewindTo; // a publish failed without the link keeping it: replay from there
      rewindTo = Number.POSITIVE_INFINITY;
    }
    const room = window - inflight.size;
    if (room <= 0) return;
    for (const entry of queue.peek(cursor, room)) {
      const { seq, message } = entry;
      cursor = seq;
      inflight.add(seq);
      c.publish(message.topic, message.payload, { qos: message.qos, retain: message.retain }, (error) => {
        inflight.delete(seq);
        stats.inflight = inflight.size;
        if (error) {
          rewindTo = Math.min(rewindTo, seq - 1);
          stats.lastError = error.message;
        } else {
          queue.ack(seq); // [MQTT-4.3.2] QoS 1: the PUBACK is our receipt, only now delete
          stats.delivered += 1;
        }
        if (inflight.size <= window / 2) pump();
      });
    }
    stats.inflight = inflight.size;
  };

  const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }) => {
    void commands.dispatch(topic, payload, { retain: packet.retain }).then((answer) => {
      if (!answer || !client) return;
      client.publish(answer.topic, JSON.stringify(answer.response), { qos: 1, retain: false });
    });
  };

  const onConnected = (connack: { sessionPresent: boolean }) => {
    const c = client;
    if (!c) return;
    stats.connected = true;
    stats.connects += 1;
    log.info({ sessionPresent: connack.sessionPresent, connects: stats.connects }, 'uplink connected');
    // Birth on every (re)connect: after a broker restart without persistence the retained
    // `offline`/`online` is gone or stale, so re-assert it [MQTT-3.3.1-5].
    const birth = availability('online');
    c.publish(birth.topic, birth.payload, { qos: 1, retain: true });
    // Re-subscribe every time: a broker that lost our session also lost the subscription.
    c.subscribe(filterFor('command', params), { qos: 1 }, (error) => {
      if (error) log.warn({ err: error.message }, 'command subscription refused');
    });
    for (const l of connectListeners) l();
    pump();
  };

  const options = (): IClientOptions => ({
    protocolVersion: 4,
    clientId: opts.clientId,
    clean: false, // persistent session: the broker keeps our subscription and QoS 1 state
    keepalive: opts.keepaliveS ?? 30,
    reconnectPeriod: opts.reconnectPeriodMs ?? 2000,
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    resubscribe: false, // onConnected subscribes itself
    will: willFor(),
    ...(opts.username === undefined ? {} : { username: opts.username }),
    ...(opts.password === undefined ? {} : { password: opts.password }),
    ...(opts.tls ?? {}),
  });

  return {
    commands,
    start() {
      if (client) return;
      unsubscribeQueue = queue.onAppend(pump);
      const c = mqtt.connect(opts.url, options());
      client = c;
      c.on('message', onMessage);
      c.on('connect', onConnected);
      // A fresh will per attempt: a new envelope id so ingest does not dedupe a later `offline`.
      c.on('reconnect', () => {
        c.options.will = willFor();
      });
      c.on('close', () => {
        if (stats.connected) stats.disconnects += 1;
        stats.connected = false;
      });
      c.on('error', (e) => {
        stats.lastError = e.message;
        log.warn({ err: e.message }, 'uplink error');
      });
    },
    send: (message) => queue.enqueue(message),
    sendLive(message) {
      if (!client?.connected) {
        stats.liveSkipped += 1;
        return;
      }
      client.publish(message.topic, message.payload, { qos: message.qos, retain: message.retain });
    },
    stats: () => ({ ...stats }),
    onConnect(listener) {
      connectListeners.add(listener);
      return () => connectListeners.delete(listener);
    },
    async stop() {
      stopping = true;
      unsubscribeQueue?.();
      const c = client;
      if (!c) return;
      // Bounded: a broker that stops answering must not keep systemd waiting (TimeoutStopSec).
      if (c.connected) {
        const bye = availability('offline');
        await within(c.publishAsync(bye.topic, bye.payload, { qos: 1, retain: true }), STOP_STEP_MS);
      }
      const ended = await within(c.endAsync(!c.connected), STOP_STEP_MS);
      if (ended === TIMED_OUT) await within(c.endAsync(true), STOP_STEP_MS);
      client = null;
    },
  };
}
