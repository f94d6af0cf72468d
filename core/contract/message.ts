/** Building outgoing messages: an envelope with a fresh id and the device's own timestamp. */
import { CityEdgeError } from '../errors.ts';
import { type Data, type TopicKind, type TopicParams, topicFor, topics } from './topics.ts';

export interface OutgoingMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  /** The envelope id, for deduplication and store-and-forward bookkeeping. */
  id: string;
}

type EnvelopedKind = Exclude<TopicKind, 'command' | 'commandResponse'>;

/**
 * Validates `data` against the contract and wraps it for publishing. Throws a CONTRACT_SCHEMA
 * error: a message our own code builds wrongly is a bug to surface, not input to drop.
 */
export function buildMessage<K extends EnvelopedKind>(
  kind: K,
  params: TopicParams,
  data: Data<K>,
  opts: { ts: number; id?: string },
): OutgoingMessage {
  const id = opts.id ?? globalThis.crypto.randomUUID(); // Web Crypto: same in Node 20 and the browser
  const body = { id, ts: Math.round(opts.ts), data };
  const parsed = topics[kind].schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CityEdgeError('CONTRACT_SCHEMA', `${kind}: ${detail}`, parsed.error.issues);
  }
  const spec = topics[kind];
  return {
    topic: topicFor(kind, params),
    payload: JSON.stringify(parsed.data),
    qos: spec.qos,
    retain: spec.retained,
    id,
  };
}
