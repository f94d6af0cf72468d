/**
 * Operator → device commands over MQTT with audit: publish `…/cmd/{command}` (QoS 1) and relay
 * the device's answer from `…/cmd/{command}/response`, matched by `transaction`.
 */
import { randomUUID } from 'node:crypto';
import type { Aedes, AedesPublishPacket } from 'aedes';
import { type CommandResponse, decodeMessage, filterFor, topicFor } from '../core/contract/index.ts';
import type { AuditStore } from './db/store.ts';
import type { Counters } from './metrics.ts';

export interface CommandRequest {
  site: string;
  device: string;
  command: string;
  args: unknown;
  actor: string;
  role: string;
  /** 0 = do not wait for the answer (registry pushes). */
  timeoutMs: number;
}

export type CommandOutcome =
  | { transaction: string; response: CommandResponse }
  | { transaction: string; response: null };

export class CommandRelay {
  private readonly pending = new Map<string, (r: CommandResponse) => void>();
  private readonly deliver = (packet: AedesPublishPacket, cb: () => void) => {
    const r = decodeMessage(packet.topic, packet.payload as Buffer);
    if (r.ok && r.value.kind === 'commandResponse') {
      const response = r.value.payload as CommandResponse;
      const waiter = this.pending.get(response.transaction);
      if (waiter) {
        this.pending.delete(response.transaction);
        waiter(response);
      }
      this.counters.inc('commands.responses');
    }
    cb();
  };

  constructor(
    private readonly broker: Aedes,
    private readonly audit: AuditStore,
    private readonly counters: Counters,
  ) {}

  start(): Promise<void> {
    return new Promise((resolve) =>
      this.broker.subscribe(filterFor('commandResponse'), this.deliver, resolve),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) =>
      this.broker.unsubscribe(filterFor('commandResponse'), this.deliver, resolve),
    );
  }

  async send(req: CommandRequest): Promise<CommandOutcome> {
    const transaction = randomUUID();
    const topic = topicFor('command', { site: req.site, device: req.device, command: req.command });
    const target = `${req.site}/${req.device}/${req.command}`;
    const answered = req.timeoutMs > 0 ? this.waitFor(transaction, req.timeoutMs) : Promise.resolve(null);
    await new Promise<void>((resolve, reject) =>
      this.broker.publish(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from(JSON.stringify({ transaction, args: req.args })),
          qos: 1,
          retain: false,
          dup: false,
        },
        (e) => (e ? reject(e) : resolve()),
      ),
    );
    this.counters.inc('commands.sent');
    const response = await answered;
    await this.audit.record({
      actor: req.actor,
      role: req.role,
      action: 'command',
      target,
      detail: JSON.stringify({ transaction, args: req.args, response }),
      outcome: req.timeoutMs === 0 ? 'sent' : response ? response.status : 'timeout',
    });
    return { transaction, response };
  }

  private waitFor(transaction: string, timeoutMs: number): Promise<CommandResponse | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        this.counters.inc('commands.timeouts');
        resolve(null);
      }, timeoutMs);
      this.pending.set(transaction, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }
}
