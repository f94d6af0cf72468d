/**
 * The valid traffic the security scenarios keep flowing while they attack: a device publishing
 * lot messages at a steady pace, and the counts read back from what a subscriber received, split
 * into "during the attack" and "after" (valid traffic must flow in both).
 */
import type { MqttClient } from 'mqtt';
import { lotMessage } from '../../broker/fixtures.ts';
import type { TestBroker } from '../../broker/testing.ts';
import { sleep } from './storage.ts';

export interface ValidFlow {
  /** Ids sent, in order, and how many of them were sent before `markAfter()`. */
  sentIds: string[];
  acked: Set<string>;
  /** From now on messages count as "after the attack". */
  markAfter(): void;
  afterFrom: () => number;
  stop(): Promise<void>;
}

/** One lot message every `everyMs` from `client` (QoS 1, optionally retained as device state). */
export function startValidFlow(
  client: MqttClient,
  site: string,
  device: string,
  everyMs: number,
  opts: { retain?: boolean } = {},
): ValidFlow {
  const sentIds: string[] = [];
  const acked = new Set<string>();
  let flowing = true;
  let afterFrom = Number.POSITIVE_INFINITY;
  const loop = (async () => {
    for (let i = 0; flowing; i++) {
      const m = lotMessage(site, device, Date.now(), i % 200);
      sentIds.push(m.id);
      client
        .publishAsync(m.topic, m.payload, { qos: 1, retain: opts.retain ?? false })
        .then(() => acked.add(m.id))
        .catch(() => {}); // not acknowledged: counted as sent but not acked
      await sleep(everyMs);
    }
  })();
  return {
    sentIds,
    acked,
    markAfter: () => {
      afterFrom = sentIds.length;
    },
    afterFrom: () => afterFrom,
    stop: async () => {
      flowing = false;
      await loop;
    },
  };
}

export interface FlowCounts {
  sent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  storedDuring: number;
  storedAfter: number;
  sentAfter: number;
}

/** Counts `flow` against the messages a subscriber saw on `topic` (each id once = stored). */
export function countFlow(
  flow: ValidFlow,
  seen: { topic: string; payload: string }[],
  topic: string,
): FlowCounts {
  const valid = new Set(flow.sentIds);
  const counts = new Map<string, number>();
  for (const m of seen) {
    if (m.topic !== topic) continue;
    const id = idOf(m.payload);
    if (valid.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const cut = Math.min(flow.afterFrom(), flow.sentIds.length);
  const during = flow.sentIds.slice(0, cut);
  const after = flow.sentIds.slice(cut);
  return {
    sent: flow.sentIds.length,
    acknowledged: flow.acked.size,
    stored: counts.size,
    lost: [...flow.acked].filter((id) => !counts.has(id)).length,
    duplicated: [...counts.values()].reduce((s, n) => s + n - 1, 0),
    storedDuring: during.filter((id) => counts.has(id)).length,
    storedAfter: after.filter((id) => counts.has(id)).length,
    sentAfter: after.length,
  };
}

/** Valid traffic must flow while the attack runs and after it: a shortfall in either is a stall. */
export function flowStalls(c: FlowCounts): string[] {
  const out: string[] = [];
  if (c.storedDuring === 0) out.push('no valid message stored during the attack');
  if (c.sentAfter > 0 && c.storedAfter === 0) out.push('no valid message stored after the attack');
  return out;
}

/** The broker's counters matching `want` that moved (what an operator's metrics show). */
export function counterSummary(b: Pick<TestBroker, 'counters'>, want: RegExp): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(b.counters.snapshot()))
    if (want.test(k) && v > 0) parts.push(`${k} ${v}`);
  return parts.join(', ') || 'none';
}

export function idOf(payload: string): string {
  try {
    return String((JSON.parse(payload) as { id?: unknown }).id ?? '');
  } catch {
    return '';
  }
}
