/** Latest retained state per device, read from the broker's retained store (cluster-wide with Redis). */
import { ROOT, matchTopic } from '../core/contract/index.ts';
import type { RetainedStore } from './mqtt/aedes.ts';

export interface DeviceState {
  site: string;
  device: string;
  state: Record<string, unknown>;
}

export async function liveState(
  store: RetainedStore,
  site?: string,
  device?: string,
): Promise<DeviceState[]> {
  const devices = new Map<string, DeviceState>();
  const stream = store.createRetainedStream(`${ROOT}/${site ?? '+'}/${device ?? '+'}/#`);
  for await (const packet of stream as AsyncIterable<{ topic: string; payload: Buffer }>) {
    const m = matchTopic(packet.topic);
    if (!m?.params.site || !m.params.device) continue;
    let body: unknown;
    try {
      body = JSON.parse(packet.payload.toString('utf8'));
    } catch {
      continue; // only contract-valid messages are retained, but an old store may hold anything
    }
    const key = `${m.params.site}/${m.params.device}`;
    const entry = devices.get(key) ?? { site: m.params.site, device: m.params.device, state: {} };
    // One entry per bay, lane, intersection or camera: a device has several of each.
    const extra = m.params.bay ?? m.params.lane ?? m.params.intersection ?? m.params.camera;
    entry.state[extra ? `${m.kind}/${extra}` : m.kind] = body;
    devices.set(key, entry);
  }
  return [...devices.values()].sort((a, b) => `${a.site}/${a.device}`.localeCompare(`${b.site}/${b.device}`));
}
