/**
 * Dead letters: a message that fails the contract is not forwarded or ingested; it is
 * re-addressed to `cityedge/v1/_dlq/{site}/{device}` with the reason and an excerpt, so operators
 * see what a device sent and why it was refused.
 */
import type { CityEdgeError } from '../../core/errors.ts';
import type { Identity } from '../auth/identity.ts';
import { DLQ_ROOT } from '../auth/acl.ts';

export interface DeadLetter {
  code: string;
  reason: string;
  topic: string;
  clientId: string;
  receivedAt: number;
  bytes: number;
  /** First 512 bytes, UTF-8 with replacement characters: enough to debug, never a full blob. */
  excerpt: string;
}

export function dlqTopic(identity: Identity | undefined, clientId: string): string {
  if (identity?.type === 'device') return `${DLQ_ROOT}/${identity.site}/${identity.device}`;
  const safe = clientId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || '_';
  return `${DLQ_ROOT}/_clients/${safe}`;
}

export function deadLetter(
  error: CityEdgeError,
  topic: string,
  clientId: string,
  payload: Buffer,
): DeadLetter {
  return {
    code: error.code,
    reason: error.message.slice(0, 2000),
    topic: topic.slice(0, 512),
    clientId,
    receivedAt: Date.now(),
    bytes: payload.length,
    excerpt: payload.subarray(0, 512).toString('utf8'),
  };
}
