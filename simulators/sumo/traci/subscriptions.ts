/**
 * Variable-subscription results [TraCI/Object Variable Subscription]: after each simulation
 * step SUMO pushes the subscribed variables, so the bridge reads every detector in one round trip.
 */
import { type TraciReader, type TraciValue, readStatus } from './codec.ts';
import { TraciError } from './errors.ts';

/** Domain of a subscription, named by its subscribe command id (response id is +0x10). */
export type SubscriptionDomain = 'inductionLoop' | 'trafficLight' | 'vehicle' | 'simulation' | 'laneArea';

export const SUBSCRIBE_IDS: Record<SubscriptionDomain, number> = {
  inductionLoop: 0xd0,
  trafficLight: 0xd2,
  vehicle: 0xd4,
  simulation: 0xdb,
  laneArea: 0xdd,
};

const DOMAIN_BY_RESPONSE = new Map<number, SubscriptionDomain>(
  Object.entries(SUBSCRIBE_IDS).map(([d, id]) => [id + 0x10, d as SubscriptionDomain]),
);

export interface SubscriptionEntry {
  readonly domain: SubscriptionDomain;
  readonly objectId: string;
  readonly values: ReadonlyMap<number, TraciValue>;
}

/** Subscription values of one step, looked up by domain, object and variable. */
export class SubscriptionResults {
  private readonly byKey = new Map<string, ReadonlyMap<number, TraciValue>>();
  constructor(readonly entries: readonly SubscriptionEntry[]) {
    for (const e of entries) this.byKey.set(`${e.domain}\u0000${e.objectId}`, e.values);
  }
  get(domain: SubscriptionDomain, objectId: string, variable: number): TraciValue | undefined {
    return this.byKey.get(`${domain}\u0000${objectId}`)?.get(variable);
  }
  number(domain: SubscriptionDomain, objectId: string, variable: number): number | undefined {
    const v = this.get(domain, objectId, variable);
    return typeof v === 'number' ? v : undefined;
  }
  string(domain: SubscriptionDomain, objectId: string, variable: number): string | undefined {
    const v = this.get(domain, objectId, variable);
    return typeof v === 'string' ? v : undefined;
  }
  objects(domain: SubscriptionDomain): string[] {
    return this.entries.filter((e) => e.domain === domain).map((e) => e.objectId);
  }
}

/**
 * Reads one variable-subscription response: length, response id, object id, variable count,
 * then per variable its id, a status byte and the typed value (or an error string).
 */
export function readSubscriptionEntry(r: TraciReader): SubscriptionEntry {
  r.commandLength();
  const responseId = r.ubyte();
  const domain = DOMAIN_BY_RESPONSE.get(responseId);
  if (!domain) {
    throw new TraciError('TRACI_PROTOCOL', `unsupported subscription response 0x${responseId.toString(16)}`);
  }
  const objectId = r.string();
  const count = r.ubyte();
  const values = new Map<number, TraciValue>();
  for (let i = 0; i < count; i++) {
    const variable = r.ubyte();
    const status = r.ubyte();
    const value = r.typed();
    if (status !== 0) {
      throw new TraciError(
        'TRACI_COMMAND_FAILED',
        `subscription ${objectId}/0x${variable.toString(16)}: ${String(value)}`,
      );
    }
    values.set(variable, value);
  }
  return { domain, objectId, values };
}

/** Reads a simulation-step answer: status, then int32 count of subscription entries. */
export function readStepAnswer(r: TraciReader, stepCommand: number): SubscriptionResults {
  readStatus(r, stepCommand);
  const n = r.int();
  const entries: SubscriptionEntry[] = [];
  for (let i = 0; i < n; i++) entries.push(readSubscriptionEntry(r));
  return new SubscriptionResults(entries);
}
