/**
 * What the car-park view derives from the live state, pure (unit-tested in Node): disabled-bay
 * violations still standing, the in/out log filtered by plate, and the plate search turned into
 * the history API's query.
 */
import type { Data } from '../../../../core/contract/index.ts';
import { normalisePlate } from '../../../../core/plate.ts';
import type { FeedItem } from '../../state.ts';

type Bay = Data<'parkingBay'>;
type ParkingEvent = Data<'parkingEvent'>;

/**
 * Bays with a standing disabled-bay violation: the newest `disabledViolation` for the bay came
 * after the bay's last status change and the bay is still occupied (the car has not left).
 */
export function standingViolations(bays: Bay[], feed: FeedItem[], site: string, device: string): Set<string> {
  const newest = new Map<string, number>();
  for (const f of feed) {
    if (f.kind !== 'parkingEvent' || f.site !== site || f.device !== device) continue;
    const e = f.data as ParkingEvent;
    if (e.kind !== 'disabledViolation' || !e.bay) continue;
    newest.set(e.bay.toLowerCase(), Math.max(newest.get(e.bay.toLowerCase()) ?? 0, f.ts));
  }
  const out = new Set<string>();
  for (const b of bays) {
    const at = newest.get(b.bay.toLowerCase());
    if (at !== undefined && b.status === 'occupied' && at >= b.since) out.add(b.bay);
  }
  return out;
}

export const IN_OUT_KINDS = new Set<ParkingEvent['kind']>([
  'entry',
  'exit',
  'denied',
  'tailgating',
  'operator',
]);

/** What the operator typed as a plate search: upper case, letters and digits only. */
export const plateQuery = (text: string) => normalisePlate(text).slice(0, 10);

/** The history API's `plate`: a prefix (`ABC*`) so a partial plate finds every match. */
export const apiPlate = (q: string) => (q.length === 0 ? null : `${q}*`);

export interface LogRow {
  id: string;
  ts: number;
  kind: string;
  lane?: string;
  plate: string | null;
  decision?: string;
  stayS?: number;
  reason?: string;
}

const rowOf = (id: string, ts: number, e: Partial<ParkingEvent> & { kind: string }): LogRow => ({
  id,
  ts,
  kind: e.kind,
  plate: e.plate ?? null,
  ...(e.lane ? { lane: e.lane } : {}),
  ...(e.decision ? { decision: e.decision } : {}),
  ...(e.stayS !== undefined ? { stayS: e.stayS } : {}),
  ...(e.reason ? { reason: e.reason } : {}),
});

/** The live part of the in/out log of one car park, optionally only plates starting with `q`. */
export function liveLog(feed: FeedItem[], site: string, device: string, q: string): LogRow[] {
  return feed
    .filter((f) => f.kind === 'parkingEvent' && f.site === site && f.device === device)
    .map((f) => rowOf(f.id, f.ts, f.data as ParkingEvent))
    .filter((r) => IN_OUT_KINDS.has(r.kind as ParkingEvent['kind']) && (!q || r.plate?.startsWith(q)));
}

/** A row of `/api/history/events` (fields of a parking event, flattened). */
export interface StoredEvent {
  ts: number;
  kind: string;
  msgId?: string;
  lane?: string;
  plate?: string;
  decision?: string;
  stayS?: number;
  reason?: string;
}

/** Live rows and stored rows as one log, once each (by message id), newest first. */
export function mergeLog(live: LogRow[], stored: StoredEvent[]): LogRow[] {
  const seen = new Set(live.map((r) => r.id));
  const rows = [...live];
  stored.forEach((e, i) => {
    const id = e.msgId ?? `stored-${e.ts}-${i}`;
    if (seen.has(id) || !IN_OUT_KINDS.has(e.kind as ParkingEvent['kind'])) return;
    seen.add(id);
    rows.push(rowOf(id, e.ts, { ...e, plate: e.plate || null } as Partial<ParkingEvent> & { kind: string }));
  });
  return rows.sort((a, b) => b.ts - a.ts);
}

/** The plate box as percentages of the frame, for an overlay that scales with the thumbnail. */
export function boxPercent(
  box: [number, number, number, number] | null,
  size: [number, number] | undefined,
): { left: number; top: number; width: number; height: number } | null {
  if (!box || !size || size[0] <= 0 || size[1] <= 0) return null;
  const [x, y, w, h] = box;
  const clamp = (v: number) => Math.min(100, Math.max(0, v));
  const left = clamp((x / size[0]) * 100);
  const top = clamp((y / size[1]) * 100);
  return {
    left,
    top,
    width: clamp((w / size[0]) * 100 + left) - left,
    height: clamp((h / size[1]) * 100 + top) - top,
  };
}
