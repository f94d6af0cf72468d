/**
 * Topic ACL, pure functions of (identity, topic). Devices own their subtree
 * `cityedge/v1/{site}/{device}/…` except the command requests addressed to them; users read
 * everything under `cityedge/v1/`; operators and admins may also publish commands.
 */
import { ROOT } from '../../core/contract/index.ts';
import { type Identity, roleAtLeast } from './identity.ts';

export const DLQ_ROOT = `${ROOT}/_dlq`;

const levels = (t: string) => t.split('/');

/** True when `topic` is a command request `…/{site}/{device}/cmd/{command}` (not its response). */
function isCommandRequest(parts: string[]): boolean {
  return parts.length === 6 && parts[4] === 'cmd';
}

/** `cityedge/v1/{site}/{device}/cmd/{command}`: a one-shot request, never to be retained. */
export const isCommandTopic = (topic: string): boolean => {
  const parts = levels(topic);
  return parts[0] === 'cityedge' && parts[1] === 'v1' && isCommandRequest(parts);
};

export function canPublish(id: Identity, topic: string): boolean {
  const parts = levels(topic);
  if (parts[0] !== 'cityedge' || parts[1] !== 'v1') return false;
  if (id.type === 'device') {
    if (parts[2] !== id.site || parts[3] !== id.device || parts.length < 5) return false;
    return !isCommandRequest(parts);
  }
  // Users publish only command requests; telemetry under a device's name would be forgery.
  return roleAtLeast(id.role, 'operator') && isCommandRequest(parts) && parts[2] !== '_dlq';
}

export function canSubscribe(id: Identity, filter: string): boolean {
  const parts = levels(filter);
  if (id.type === 'user') {
    // [MQTT-4.7.2-1] `#`/`+` at the first level do not match `$SYS`; we grant it explicitly to users.
    return (parts[0] === 'cityedge' && (parts[1] === 'v1' || parts[1] === '#')) || parts[0] === '$SYS';
  }
  // A device may listen to its own commands only: exactly `…/{site}/{device}/cmd/{name|+}`.
  return (
    parts.length === 6 &&
    parts[0] === 'cityedge' &&
    parts[1] === 'v1' &&
    parts[2] === id.site &&
    parts[3] === id.device &&
    parts[4] === 'cmd' &&
    parts[5] !== '#'
  );
}
