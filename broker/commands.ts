/**
 * Operator → device commands over MQTT with audit: publish `…/cmd/{command}` (QoS 1) and relay
 * the device's answer from `…/cmd/{command}/response`, matched by `transaction`.
 */
import { randomUUID } from 'node:crypto';
import type { Aedes, AedesPublishPacket } from 'aedes';
import {
  type CommandName,
  type CommandResponse,
  commandArgs,
  commandNames,
  decodeMessage,
  filterFor,
  topicFor,
} from '../core/contract/index.ts';
import type { Logger } from 'pino';
import type { AuditStore } from './db/store.ts';
import type { Counters } from './metrics.ts';

export interface CommandRequest {
  site: string;
  device: string;
  command: string;
  args: unknown;
  actor: string;
  role: string;
  /** A different `by` the client wrote (audited; the device sees `actor`). */
  claimedBy?: string;
  /** 0 = do not wait for the answer (registry pushes). */
  timeoutMs: number;
}

/** Commands whose args name the operator who gave them (`by`), read off the contract. */
const signedCommands = new Set<string>(commandNames.filter((n: CommandName) => 'by' in commandArgs[n].shape));

export interface StampedArgs {
  args: unknown;
  /** The other name the client wrote in `by`, when it was not the caller's. */
  claimed?: string;
}

/**
 * Sets a command's `by` to the authenticated operator: who gave a command is the server's to
 * state, as Mosquitto's `use_username_as_clientid` overwrites a client's claimed id. Overwritten
 * rather than refused so clients that fill it in (the dashboard) or leave it out keep working;
 * a different claim is returned so it is counted and kept in the audit, never what the device
 * sees. Args that are not an object are left for the contract to refuse.
 */
export function stampActor(command: string, args: unknown, actor: string): StampedArgs {
  if (!signedCommands.has(command) || typeof args !== 'object' || args === null || Array.isArray(args))
    return { args };
  const by = (args as { by?: unknown }).by;
  const stamped = { ...args, by: actor };
  return by === undefined || by === actor ? { args: stamped } : { args: stamped, claimed: String(by) };
}

/** A spoofed `by`: counted per path and logged (an operator naming another is worth a look). */
export function byOverwritten(
  d: { counters: Counters; log: Logger },
  via: 'http' | 'mqtt',
  actor: string,
  claimed: string,
): void {
  d.counters.inc(`commands.by.overwritten.${via}`);
  d.log.warn({ actor, claimed, via }, 'command: by overwritten with the authenticated operator');
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
    // Stamped here too, so no caller of the relay can send a command in somebody else's name.
    const { args } = stampActor(req.command, req.args, req.actor);
    const topic = topicFor('command', { site: req.site, device: req.device, command: req.command });
    const target = `${req.site}/${req.device}/${req.command}`;
    const answered = req.timeoutMs > 0 ? this.waitFor(transaction, req.timeoutMs) : Promise.resolve(null);
    await new Promise<void>((resolve, reject) =>
      this.broker.publish(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from(JSON.stringify({ transaction, args })),
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
      detail: JSON.stringify({ transaction, args, claimedBy: req.claimedBy, response }),
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
