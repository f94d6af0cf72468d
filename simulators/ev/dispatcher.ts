/**
 * The priority dispatcher: knows each pre-shared route (its junctions in order, with the route
 * offset of each stop line and the approach used), listens to EV positions over MQTT, turns them
 * into ETAs and sends `priority.request` (again when the ETA moved by ETA_UPDATE_MS or more) and
 * `priority.cancel` once the EV is past the stop line, to each junction's device topic. Every
 * command waits for its `…/response`; errors and timeouts are counted, never thrown.
 */
import type { MqttClient } from 'mqtt';
import type { z } from 'zod';
import {
  type CommandArgs,
  type CommandName,
  checkCommandArgs,
  decodeMessage,
  filterFor,
  topicFor,
  topics,
} from '../../core/contract/index.ts';
import type { payloads } from '../../core/contract/index.ts';
import { ETA_UPDATE_MS, MIN_ETA_SPEED_MS } from '../sumo/ev-tracker.ts';
import { connectClient } from './mqtt-client.ts';

type EvPosition = z.infer<typeof payloads.evPosition>;

export interface RouteStop {
  /** Junction device id, also the command's `intersection` argument. */
  readonly intersection: string;
  readonly approach: string;
  /** Route offset of the stop line (end of the approach edge), m. */
  readonly stopLineOffsetM: number;
  /** Requests start this close to the stop line (the junction's EV detection range). */
  readonly detectionRangeM: number;
}

export interface DispatcherOptions {
  readonly url: string;
  /** Site of the EV units (`evPosition`) and of the junction devices (commands). */
  readonly fleetSite: string;
  readonly junctionSite: string;
  /** Pre-shared routes by route id: stops in driving order. */
  readonly routes: Readonly<Record<string, readonly RouteStop[]>>;
  /** Wait this long (real time) for a command's response. */
  readonly responseTimeoutMs?: number;
}

export interface CommandRecord {
  /** EV position timestamp that caused the command, epoch ms. */
  readonly atTs: number;
  readonly command: 'priority.request' | 'priority.cancel';
  readonly args: CommandArgs<'priority.request'> | CommandArgs<'priority.cancel'>;
  status: 'pending' | 'ok' | 'error' | 'timeout';
  code?: string;
}

export interface DispatchCounts {
  positions: number;
  requests: number;
  cancels: number;
  responsesOk: number;
  responsesError: number;
  timeouts: number;
  /** Positions or responses the dispatcher could not use, by code. */
  readonly rejected: Record<string, number>;
}

type StopState = { readonly etaTs: number } | 'done';

export class PriorityDispatcher {
  readonly counts: DispatchCounts = {
    positions: 0,
    requests: 0,
    cancels: 0,
    responsesOk: 0,
    responsesError: 0,
    timeouts: 0,
    rejected: {},
  };
  readonly log: CommandRecord[] = [];
  private readonly state = new Map<string, StopState>();
  private readonly pending = new Map<string, { record: CommandRecord; timer: NodeJS.Timeout }>();
  private readonly lastTs = new Map<string, number>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly o: DispatcherOptions,
    private readonly client: MqttClient,
  ) {}

  static async start(o: DispatcherOptions): Promise<PriorityDispatcher> {
    const client = await connectClient(o.url, 'ev-dispatcher');
    const d = new PriorityDispatcher(o, client);
    client.on('message', (topic, payload) => d.receive(topic, payload));
    await client.subscribeAsync([
      filterFor('evPosition', { site: o.fleetSite }),
      filterFor('commandResponse', { site: o.junctionSite }),
    ]);
    return d;
  }

  /**
   * Resolves true once every vehicle's position of the given timestamp has been handled and no
   * command is waiting for its response; false after `timeoutMs` (a lost position, say).
   */
  settle(expected: ReadonlyMap<string, number>, timeoutMs: number): Promise<boolean> {
    const done = () =>
      this.pending.size === 0 && [...expected].every(([v, ts]) => (this.lastTs.get(v) ?? -1) >= ts);
    return new Promise((resolve) => {
      if (done()) return resolve(true);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(false);
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(true);
      };
      this.waiters.push(check);
    });
  }

  async close(): Promise<void> {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await this.client.endAsync();
  }

  private reject(code: string): void {
    this.counts.rejected[code] = (this.counts.rejected[code] ?? 0) + 1;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private receive(topic: string, payload: Buffer): void {
    const m = decodeMessage(topic, payload);
    if (!m.ok) this.reject(m.error.code);
    else if (m.value.kind === 'evPosition') {
      const p = m.value.payload as { ts: number; data: EvPosition };
      this.position(p.ts, p.data);
    } else if (m.value.kind === 'commandResponse') {
      this.response(
        m.value.payload as { status: 'ok' | 'error'; transaction: string; error?: { code: string } },
      );
    }
    this.notify();
  }

  private position(ts: number, p: EvPosition): void {
    this.counts.positions++;
    this.lastTs.set(p.vehicleId, Math.max(ts, this.lastTs.get(p.vehicleId) ?? ts));
    const stops = this.o.routes[p.routeId];
    if (!stops) {
      this.reject('SIM_EV_UNKNOWN_ROUTE');
      return;
    }
    for (const stop of stops) this.stop(ts, p, stop);
  }

  /** One junction of the route: request within range, update on ETA drift, cancel once past. */
  private stop(ts: number, p: EvPosition, stop: RouteStop): void {
    const key = `${p.vehicleId}\u0000${stop.intersection}`;
    const st = this.state.get(key);
    if (st === 'done') return;
    const cancel = { intersection: stop.intersection, vehicleId: p.vehicleId };
    // Past the stop line (or off the route): the junction may return to its plan.
    if (!p.active || p.routeOffsetM > stop.stopLineOffsetM) {
      this.state.set(key, 'done');
      if (st) this.send(ts, 'priority.cancel', cancel);
      return;
    }
    const distanceM = stop.stopLineOffsetM - p.routeOffsetM;
    // At the stop line or inside the junction (offset held at the stop line): nothing new to say.
    if (distanceM <= 0 || distanceM > stop.detectionRangeM) return;
    const etaTs = ts + Math.round((distanceM / Math.max(p.speedMps, MIN_ETA_SPEED_MS)) * 1000);
    if (st && Math.abs(st.etaTs - etaTs) < ETA_UPDATE_MS) return;
    this.state.set(key, { etaTs });
    this.send(ts, 'priority.request', {
      ...cancel,
      routeId: p.routeId,
      approach: stop.approach,
      etaTs,
    });
  }

  private send<C extends 'priority.request' | 'priority.cancel'>(
    atTs: number,
    command: C,
    args: CommandArgs<C>,
  ): void {
    // Our own args failing the contract is a bug: surface it rather than send it.
    const checked = checkCommandArgs(command, args);
    if (!checked.ok) throw checked.error;
    if (command === 'priority.request') this.counts.requests++;
    else this.counts.cancels++;
    const transaction = globalThis.crypto.randomUUID();
    const record: CommandRecord = { atTs, command, args, status: 'pending' };
    this.log.push(record);
    const timer = setTimeout(() => {
      if (!this.pending.delete(transaction)) return;
      record.status = 'timeout';
      this.counts.timeouts++;
      this.notify();
    }, this.o.responseTimeoutMs ?? 2000);
    this.pending.set(transaction, { record, timer });
    const topic = topicFor('command', {
      site: this.o.junctionSite,
      device: args.intersection,
      command: command satisfies CommandName,
    });
    this.client.publish(topic, JSON.stringify({ transaction, args }), { qos: topics.command.qos });
  }

  private response(r: { status: 'ok' | 'error'; transaction: string; error?: { code: string } }): void {
    const p = this.pending.get(r.transaction);
    if (!p) {
      this.reject('SIM_EV_UNEXPECTED_RESPONSE'); // late (after a timeout) or not ours
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(r.transaction);
    p.record.status = r.status;
    if (r.status === 'ok') this.counts.responsesOk++;
    else {
      this.counts.responsesError++;
      if (r.error) p.record.code = r.error.code;
    }
  }
}
