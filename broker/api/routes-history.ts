/**
 * History from InfluxDB. Strings reach InfluxQL only as bound parameters (`$site`), numbers only
 * after zod made them integers, and a plate prefix only after it matched `^[A-Z0-9]{1,10}$`:
 * there is no path for user text into the query string.
 */
import { z } from 'zod';
import { LOT_OCCUPANCY_FIELDS, MEASUREMENTS as M } from '../../core/contract/measurements.ts';
import { idSchema, parkingEvent, signalAlarm } from '../../core/contract/payloads.ts';
import { RP } from '../ingest/schema.ts';
import type { ApiDeps } from './deps.ts';
import { type Ctx, fail, parse, query, type Route } from './http.ts';

const LOT_FIELDS = Object.values(LOT_OCCUPANCY_FIELDS)
  .map((f) => `"${f}"`)
  .join(', ');

const MAX_RANGE_MS = 31 * 24 * 3600 * 1000;
const int = z.coerce.number().int().min(0);

const range = z
  .object({
    from: int.optional(),
    to: int.optional(),
    site: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .transform((q) => {
    const to = q.to ?? Date.now();
    return { ...q, to, from: q.from ?? to - 3600_000 };
  })
  .refine((q) => q.from <= q.to && q.to - q.from <= MAX_RANGE_MS, 'need from ≤ to and a range ≤ 31 days');

interface Row {
  time: Date;
  [field: string]: unknown;
}

/** `WHERE` clause: time bounds (validated integers, ms) and equality on bound tag parameters. */
function where(from: number, to: number, tags: Record<string, string | undefined>) {
  const clauses = [`time >= ${from}ms`, `time <= ${to}ms`];
  const placeholders: Record<string, string> = {};
  for (const [tag, value] of Object.entries(tags)) {
    if (value === undefined) continue;
    clauses.push(`"${tag}" = $${tag}`);
    placeholders[tag] = value;
  }
  return { clause: clauses.join(' AND '), placeholders };
}

function influxOf(d: ApiDeps) {
  return d.ingest ?? fail('API_INGEST_DISABLED', 'no InfluxDB configured: history is unavailable');
}

function strip(row: Row): { ts: number } & Record<string, unknown> {
  const { time, ...rest } = row;
  const fields = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null));
  return { ...fields, ts: time.getTime() };
}

async function lots(d: ApiDeps, ctx: Ctx) {
  const ingest = influxOf(d);
  const q = parse(
    range.and(z.object({ lot: idSchema.optional(), interval: z.enum(['raw', '1m', '15m']).default('raw') })),
    query(ctx),
  );
  const rp = q.interval === 'raw' ? RP.raw : q.interval === '1m' ? RP.m1 : RP.m15;
  const w = where(q.from, q.to, { site: q.site, lot: q.lot });
  const res = await ingest.influx.query<Row>(
    `SELECT ${LOT_FIELDS} FROM "${rp}"."${M.parkingLot}" WHERE ${w.clause} GROUP BY "site", "lot"`,
    { placeholders: w.placeholders },
  );
  const series = res.groups().map((g) => ({
    site: g.tags.site,
    lot: g.tags.lot,
    points: (g.rows as Row[]).map(strip),
  }));
  return { status: 200, body: { series } };
}

const signalScope = z.object({ intersection: idSchema.optional(), device: idSchema.optional() });

/**
 * Cycle measures per phase, oldest first. The limit keeps the newest cycles of each phase (a
 * 24-hour chart asks for more cycles than fit), so the query reads newest first and turns them.
 */
async function signals(d: ApiDeps, ctx: Ctx) {
  const ingest = influxOf(d);
  const q = parse(range.and(signalScope), query(ctx));
  const w = where(q.from, q.to, { site: q.site, device: q.device, intersection: q.intersection });
  const res = await ingest.influx.query<Row>(
    `SELECT "cycle", "lengthS", "greenS", "termination", "arrivalsOnGreen", "arrivalsOnRed", "splitFailure", "utilisation", "redLightViolations" FROM "${RP.raw}"."${M.cycle}" WHERE ${w.clause} GROUP BY "site", "device", "intersection", "phase" ORDER BY time DESC LIMIT ${q.limit}`,
    { placeholders: w.placeholders },
  );
  // DESC also reverses the series order: sort them back by device and phase number.
  const series = res
    .groups()
    .sort(
      (a, b) =>
        `${a.tags.device}`.localeCompare(`${b.tags.device}`) || Number(a.tags.phase) - Number(b.tags.phase),
    )
    .map((g) => ({ ...g.tags, points: (g.rows as Row[]).map(strip).reverse() }));
  return { status: 200, body: { series } };
}

/** Indiana hi-res events of one intersection, newest first (the engineer's event log after a reload). */
async function hires(d: ApiDeps, ctx: Ctx) {
  const ingest = influxOf(d);
  const q = parse(
    range.and(signalScope).and(z.object({ code: z.coerce.number().int().min(0).max(255).optional() })),
    query(ctx),
  );
  const w = where(q.from, q.to, { site: q.site, device: q.device, intersection: q.intersection });
  // `code` is a field, not a tag: a validated integer, so it goes in as a literal.
  const clause = q.code === undefined ? w.clause : `${w.clause} AND "code" = ${q.code}`;
  const res = await ingest.influx.query<Row>(
    `SELECT "code", "param", "site", "device", "intersection" FROM "${RP.raw}"."${M.hiRes}" WHERE ${clause} ORDER BY time DESC LIMIT ${q.limit}`,
    { placeholders: w.placeholders },
  );
  return { status: 200, body: { events: (res as unknown as Row[]).map(strip) } };
}

const eventKind = z.union([parkingEvent.shape.kind, signalAlarm.shape.kind]);
/** An exact plate, or a prefix ending in `*` (the in/out log's search box). */
const plateQuery = z
  .string()
  .regex(/^[A-Z0-9]{1,10}\*?$/)
  .optional();

/** `AND "plate" …`: a bound parameter for an exact plate, a regex of [A-Z0-9] only for a prefix. */
function plateClause(plate: string | undefined, placeholders: Record<string, string>): string {
  if (!plate) return '';
  if (plate.endsWith('*')) return ` AND "plate" =~ /^${plate.slice(0, -1)}/`;
  placeholders.plate = plate;
  return ' AND "plate" = $plate';
}

async function events(d: ApiDeps, ctx: Ctx) {
  const ingest = influxOf(d);
  const q = parse(
    range.and(z.object({ kind: eventKind.optional(), device: idSchema.optional(), plate: plateQuery })),
    query(ctx),
  );
  // Parking events name their device `lot`; signal alarms `device`.
  const run = async (measurement: string, source: string, device: string) => {
    const w = where(q.from, q.to, { site: q.site, kind: q.kind, [device]: q.device });
    const clause = w.clause + plateClause(q.plate, w.placeholders);
    const res = await ingest.influx.query<Row>(
      `SELECT * FROM "${RP.raw}"."${measurement}" WHERE ${clause} ORDER BY time DESC LIMIT ${q.limit}`,
      { placeholders: w.placeholders },
    );
    return (res as unknown as Row[]).map((row) => {
      const { [device]: dev, ...rest } = strip(row);
      return { ...rest, ts: rest.ts as number, device: dev, source };
    });
  };
  const all = [
    ...(await run(M.parkingEvent, 'parking', 'lot')),
    // Alarms carry no plate: a plate search is a parking search.
    ...(q.plate ? [] : await run(M.signalAlarm, 'signals', 'device')),
  ];
  all.sort((a, b) => Number(b.ts) - Number(a.ts));
  return { status: 200, body: { events: all.slice(0, q.limit) } };
}

async function lpr(d: ApiDeps, ctx: Ctx) {
  const ingest = influxOf(d);
  const q = parse(range.and(z.object({ plate: plateQuery, device: idSchema.optional() })), query(ctx));
  const w = where(q.from, q.to, { site: q.site, lot: q.device });
  const clause = w.clause + plateClause(q.plate, w.placeholders);
  const res = await ingest.influx.query<Row>(
    `SELECT "plate", "confidence", "lane", "ms", "camera", "lot", "site" FROM "${RP.raw}"."${M.lprRead}" WHERE ${clause} ORDER BY time DESC LIMIT ${q.limit}`,
    { placeholders: w.placeholders },
  );
  const reads = (res as unknown as Row[]).map((row) => {
    const { lot, ...rest } = strip(row);
    return { ...rest, device: lot };
  });
  return { status: 200, body: { reads } };
}

export function historyRoutes(d: ApiDeps): Route[] {
  return [
    { method: 'GET', path: /^\/api\/history\/lots$/, role: 'viewer', handle: (c) => lots(d, c) },
    { method: 'GET', path: /^\/api\/history\/signals$/, role: 'viewer', handle: (c) => signals(d, c) },
    { method: 'GET', path: /^\/api\/history\/hires$/, role: 'viewer', handle: (c) => hires(d, c) },
    { method: 'GET', path: /^\/api\/history\/events$/, role: 'viewer', handle: (c) => events(d, c) },
    { method: 'GET', path: /^\/api\/history\/lpr$/, role: 'viewer', handle: (c) => lpr(d, c) },
  ];
}
