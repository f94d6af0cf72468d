/**
 * What is wrong right now, derived from the live state (pure, so it is unit-tested in Node).
 * Each alarm has a stable id per episode (a device that goes offline twice raises two alarms),
 * which is what an operator acknowledges (`POST /api/alarms/ack`, read back from the audit log).
 * Ordering follows ISA-18.2 practice: priority first, unacknowledged before acknowledged within a
 * priority, newest first.
 */
import type { CityState, DeviceState, IntersectionState } from './state.ts';

export type Severity = 'critical' | 'major' | 'minor' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };

export interface Alarm {
  id: string;
  severity: Severity;
  ts: number;
  site: string;
  device: string;
  title: string;
  detail: string;
  /** The view that shows the cause. */
  href: string;
}

export interface Ack {
  alarm: string;
  by: string;
  ts: number;
}

/** A non-latched signal alarm is an event: it stays on the list this long. */
export const EVENT_ALARM_MS = 15 * 60_000;
/** Health older than this many report intervals means the device stopped reporting. */
export const STALE_INTERVALS = 3;
/** Interval assumed when a report does not say (the agent's default, edge/config). */
export const DEFAULT_HEALTH_INTERVAL_S = 60;
export const HOT_CPU_C = 80;

/** Age of a device's health report and whether it is stale, at `now`. */
export function healthAge(d: DeviceState, now: number): { ageMs: number; stale: boolean } | null {
  if (!d.health) return null;
  const ageMs = Math.max(0, now - d.health.ts);
  const intervalMs = (d.health.intervalS ?? DEFAULT_HEALTH_INTERVAL_S) * 1000;
  return { ageMs, stale: ageMs > STALE_INTERVALS * intervalMs };
}

export type IntersectionMode = 'normal' | 'preemption' | 'flash' | 'offline';

/** The four modes the overview colours: hold and startup are shown as normal operation. */
export function modeOf(d: DeviceState, x: IntersectionState): IntersectionMode {
  if (d.online === false || !x.heads) return 'offline';
  if (x.heads.mode === 'flash') return 'flash';
  if (x.heads.mode === 'preemption') return 'preemption';
  return 'normal';
}

export function deriveAlarms(city: CityState, now: number): Alarm[] {
  const out: Alarm[] = [];
  for (const d of Object.values(city.devices)) {
    deviceAlarms(d, now, out);
    for (const [id, x] of Object.entries(d.intersections)) signalAlarms(d, id, x, now, out);
  }
  const reviews = Object.values(city.pendingReviews);
  if (reviews.length > 0) {
    const oldest = Math.min(...reviews.map((r) => r.since));
    out.push({
      id: `reviews/${oldest}`,
      severity: 'info',
      ts: oldest,
      site: reviews[0]!.site,
      device: reviews[0]!.device,
      title: `${reviews.length} plate review${reviews.length > 1 ? 's' : ''} waiting`,
      detail: reviews.map((r) => `${r.site}/${r.device} ${r.lane}: ${r.reason}`).join('; '),
      href: '#/events',
    });
  }
  return out;
}

function deviceAlarms(d: DeviceState, now: number, out: Alarm[]) {
  const key = `${d.site}/${d.device}`;
  const base = { site: d.site, device: d.device, href: '#/health' };
  if (d.online === false) {
    out.push({
      ...base,
      id: `offline/${key}/${d.lastSeen}`,
      severity: Object.keys(d.intersections).length > 0 ? 'critical' : 'major',
      ts: d.lastSeen,
      title: `${key} offline`,
      detail: 'the device left the broker (MQTT last will or clean disconnect)',
    });
  }
  const age = healthAge(d, now);
  if (age?.stale && d.online !== false) {
    out.push({
      ...base,
      id: `stale/${key}/${d.health!.ts}`,
      severity: 'minor',
      ts: d.health!.ts,
      title: `${key} health stale`,
      detail: `no health report for ${Math.round(age.ageMs / 1000)} s`,
    });
  }
  healthProblems(d, out);
  const lotHref = `#/lot/${d.site}/${d.device}`;
  for (const g of Object.values(d.gates)) {
    if (!g.fault) continue;
    out.push({
      ...base,
      href: lotHref,
      id: `gate/${key}/${g.lane}/${g.fault}`,
      severity: 'major',
      ts: d.lastSeen,
      title: `${key} gate ${g.lane} fault`,
      detail: g.fault,
    });
  }
  if (d.lot?.full) {
    out.push({
      ...base,
      href: lotHref,
      id: `full/${key}`,
      severity: 'info',
      ts: d.lastSeen,
      title: `${key} car park FULL`,
      detail: `${d.lot.occupiedSpotNumber}/${d.lot.totalSpotNumber} occupied`,
    });
  }
}

function healthProblems(d: DeviceState, out: Alarm[]) {
  const h = d.health;
  if (!h) return;
  const key = `${d.site}/${d.device}`;
  const base = { site: d.site, device: d.device, href: '#/health', ts: h.ts };
  if (h.serial?.state === 'down')
    out.push({
      ...base,
      id: `serial/${key}/${h.serial.reconnects}`,
      severity: 'major',
      title: `${key} serial link down`,
      detail: `${h.serial.reconnects} reconnects, ${h.serial.badFrames} bad frames`,
    });
  const badCams = Object.entries(h.cameras).filter(([, s]) => s === 'error' || s === 'timeout');
  if (badCams.length > 0)
    out.push({
      ...base,
      id: `camera/${key}/${badCams.map(([c]) => c).join(',')}`,
      severity: 'minor',
      title: `${key} camera ${badCams.map(([c, s]) => `${c} ${s}`).join(', ')}`,
      detail: 'no frame from the camera in the last report',
    });
  if (h.cpuTempC !== null && h.cpuTempC >= HOT_CPU_C)
    out.push({
      ...base,
      id: `hot/${key}`,
      severity: 'major',
      title: `${key} CPU ${h.cpuTempC.toFixed(0)} °C`,
      detail: `at or above ${HOT_CPU_C} °C the Pi throttles`,
    });
  if (h.queueDropped > 0)
    out.push({
      ...base,
      id: `dropped/${key}/${h.queueDropped}`,
      severity: 'minor',
      title: `${key} dropped ${h.queueDropped} queued messages`,
      detail: `outbox depth ${h.queueDepth}`,
    });
}

const LATCHED_CRITICAL = new Set(['conflict', 'flash']);

function signalAlarms(d: DeviceState, id: string, x: IntersectionState, now: number, out: Alarm[]) {
  const key = `${d.site}/${d.device}/${id}`;
  const base = { site: d.site, device: d.device, href: `#/intersection/${key}` };
  // Newest first: everything before the latest reset has been cleared at the cabinet.
  const resetAt = x.alarms.findIndex((a) => a.kind === 'reset');
  const live = resetAt === -1 ? x.alarms : x.alarms.slice(0, resetAt);
  for (const a of live) {
    if (!a.latched && now - a.ts > EVENT_ALARM_MS) continue;
    out.push({
      ...base,
      id: `signal/${key}/${a.kind}/${a.ts}`,
      severity: a.latched ? (LATCHED_CRITICAL.has(a.kind) ? 'critical' : 'major') : 'minor',
      ts: a.ts,
      title: `${id}: ${a.kind}${a.latched ? ' (latched)' : ''}`,
      detail: a.detail,
    });
  }
  const mode = x.heads?.mode;
  if (mode === 'flash' && !live.some((a) => a.kind === 'flash'))
    out.push({
      ...base,
      id: `flash/${key}/${x.modeSince ?? 0}`,
      severity: 'major',
      ts: x.modeSince ?? d.lastSeen,
      title: `${id} in flash`,
      detail: 'all-red / yellow flash: the intersection runs unsignalised',
    });
  if (mode === 'preemption')
    out.push({
      ...base,
      id: `preempt/${key}/${x.modeSince ?? 0}`,
      severity: 'info',
      ts: x.modeSince ?? d.lastSeen,
      title: `${id} preempted`,
      detail: x.priority ? `emergency vehicle ${x.priority.vehicleId}` : 'emergency-vehicle preemption',
    });
}

/** Priority, then unacknowledged first, then newest. */
export function sortAlarms(alarms: Alarm[], acks: ReadonlyMap<string, Ack>): Alarm[] {
  return [...alarms].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      Number(acks.has(a.id)) - Number(acks.has(b.id)) ||
      b.ts - a.ts,
  );
}
