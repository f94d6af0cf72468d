/**
 * Every connection aedes closes on an error gets a log line and a counter. aedes reports these
 * only as `clientError` / `connectionError` events; without a listener a topic of 101 levels, a
 * malformed packet or an oversized one ended the connection silently.
 */
import type { Aedes, Client } from 'aedes';
import type { Logger } from 'pino';
import type { Counters } from '../metrics.ts';
import { PACKET_MALFORMED_LENGTH, PACKET_TOO_LARGE } from './packet-guard.ts';

/** Counter suffix for an error aedes closed a connection with; null = already counted elsewhere. */
export function classifyClientError(
  e: Error & { code?: unknown; returnCode?: unknown; errorCode?: unknown },
): string | null {
  // CONNACK refusals our authenticate hook decided (credentials, client id, connection limit)
  // carry its returnCode and are counted there; without this each also counted as malformed.
  if (typeof e.returnCode === 'number') return null;
  // aedes's own CONNACK refusals (protocol version, client id it cannot take) [MQTT-3.2.2-5].
  if (typeof e.errorCode === 'number') return 'refused.connect';
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === PACKET_TOO_LARGE) return 'refused.packet_too_large';
  if (code === PACKET_MALFORMED_LENGTH) return 'refused.malformed';
  // Our own hooks' refusals (ACL, flooding) are counted where they are decided.
  if (code.startsWith('BROKER_')) return null;
  // Socket-level failures (ECONNRESET, EPIPE, ETIMEDOUT…): the network, not a refusal.
  if (/^E[A-Z_]+$/.test(code)) return 'connection_errors';
  const m = e.message;
  // aedes lib/utils.js: qlobber (routing and retained trie) allows at most 100 levels.
  if (/too many levels/.test(m)) return 'refused.topic_levels';
  if (/not allowed in PUBLISH|empty topic|impossible to (SUBSCRIBE|UNSUBSCRIBE)|wildcard/i.test(m))
    return 'refused.topic_invalid';
  if (/keep ?alive/i.test(m)) return 'keepalive_timeouts';
  // Everything else aedes or mqtt-packet throws is a protocol violation by the client.
  return 'refused.malformed';
}

export function watchClientErrors(broker: Aedes, counters: Counters, log: Logger): void {
  const onError = (client: Client | null, e: Error & { code?: unknown; returnCode?: unknown }) => {
    const what = classifyClientError(e);
    if (what === null) return;
    counters.inc(`mqtt.${what}`);
    const entry = { clientId: client?.id ?? null, reason: what, code: e.code ?? null, error: e.message };
    if (!what.startsWith('refused.')) log.debug(entry, 'mqtt: connection error');
    else log.warn(entry, 'mqtt: connection closed on a refused packet');
  };
  broker.on('clientError', onError);
  broker.on('connectionError', onError);
}
