/**
 * The aedes instance: in-memory persistence for one node by default, Redis persistence plus the
 * Redis emitter when several broker processes share sessions, retained messages and traffic.
 */
import type { Readable } from 'node:stream';
import { Aedes } from 'aedes';
import aedesPersistenceRedis from 'aedes-persistence-redis';
import mqemitterRedis from 'mqemitter-redis';
import type { BrokerConfig } from '../config.ts';

/** The part of aedes-persistence we call (typed locally: aedes exposes it untyped). */
export interface RetainedStore {
  createRetainedStream(pattern: string): Readable;
  /** Without a callback it returns a promise (the callback form waits for a `ready` aedes 1.x never emits). */
  destroy(): Promise<void>;
}

export interface MqttCore {
  broker: Aedes;
  retained: RetainedStore;
  close(): Promise<void>;
}

export async function createAedes(config: BrokerConfig, id: string): Promise<MqttCore> {
  const redis = config.redis;
  const mq = redis ? mqemitterRedis({ host: redis.host, port: redis.port }) : undefined;
  const persistence = redis ? aedesPersistenceRedis({ host: redis.host, port: redis.port }) : undefined;
  const broker = await Aedes.createBroker({
    id,
    ...(mq ? { mq } : {}),
    ...(persistence ? { persistence } : {}),
    // A device buffering store-and-forward may legitimately hold many QoS 1 messages in flight.
    queueLimit: 1000,
    // No in-process emitter backlog: mqemitter drains a backlog recursively, and when a burst
    // finds no subscriber each emit completes synchronously, so a deep backlog overflowed the
    // stack in the 1,000-device fan-in bench. Publishers are bounded by their own QoS 1 windows
    // and TCP back-pressure instead.
    concurrency: 0,
  });
  const retained = (broker as unknown as { persistence: RetainedStore }).persistence;
  const close = async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    // aedes 1.x: close() leaves the persistence and emitter open (Redis connections, timers).
    await retained.destroy().catch(() => undefined);
    if (mq) await new Promise<void>((resolve) => mq.close(() => resolve()));
  };
  return { broker, retained, close };
}

/** Where a message becomes durable (the ingest WAL): records appended, and a wait for one. */
export interface DurabilityBarrier {
  appended(): number;
  durable(seq: number): Promise<void>;
}

/**
 * Write before ack: aedes 1.x writes a QoS 1 PUBACK as soon as `authorizePublish` calls back
 * (lib/handlers/publish.js), and our hooks hand the message to ingest inside that hook. Holding
 * the callback until the WAL group holding it is synced makes the PUBACK mean "durable"
 * [MQTT-4.3.2-2: the sender may discard the message once PUBACK arrives]. Holding it also holds
 * that client's next socket chunk, so a publisher is paced by the disk instead of by memory.
 * QoS 0 carries no promise and is not held; a message that was dead-lettered appended nothing.
 */
export function ackAfterDurable(broker: Aedes, barrier: DurabilityBarrier): void {
  const authorize = broker.authorizePublish;
  broker.authorizePublish = (client, packet, done) => {
    if (packet.qos === 0 || !client) return authorize.call(broker, client, packet, done);
    const before = barrier.appended();
    authorize.call(broker, client, packet, (e?: Error | null) => {
      if (e) return done(e);
      const after = barrier.appended();
      if (after === before) return done(null);
      barrier.durable(after).then(
        () => done(null),
        (err: Error) => done(err), // disconnects: the client re-sends what it never saw acked
      );
    });
  };
}
