/**
 * Database, retention policies and continuous queries, created idempotently at start-up:
 * `raw` (default), `rollup_1m` and `rollup_15m`, with 1-minute and 15-minute roll-ups of lot
 * occupancy, cycle measures and traffic counts.
 */
import type { InfluxDB } from 'influx';
import { LOT_OCCUPANCY_FIELDS, MEASUREMENTS } from '../../core/contract/index.ts';

export const RP = { raw: 'raw', m1: 'rollup_1m', m15: 'rollup_15m' } as const;

const meanOf = (fields: readonly string[]) => fields.map((f) => `mean("${f}") AS "${f}"`).join(', ');

const rollups = {
  [MEASUREMENTS.parkingLot]: meanOf(Object.values(LOT_OCCUPANCY_FIELDS)),
  [MEASUREMENTS.cycle]:
    'mean("greenS") AS "greenS", mean("utilisation") AS "utilisation", sum("arrivalsOnGreen") AS "arrivalsOnGreen", sum("arrivalsOnRed") AS "arrivalsOnRed", count("cycle") AS "cycles"',
  [MEASUREMENTS.counts]: 'sum("count") AS "count"',
} as const;

export function continuousQueries(db: string): { name: string; query: string }[] {
  const out: { name: string; query: string }[] = [];
  for (const [measurement, select] of Object.entries(rollups)) {
    for (const [rp, every] of [
      [RP.m1, '1m'],
      [RP.m15, '15m'],
    ] as const) {
      out.push({
        name: `cq_${measurement}_${every}`,
        query: `SELECT ${select} INTO "${db}"."${rp}"."${measurement}" FROM "${db}"."${RP.raw}"."${measurement}" GROUP BY time(${every}), *`,
      });
    }
  }
  return out;
}

export async function ensureSchema(
  influx: InfluxDB,
  db: string,
  retention: { raw: string; rollup: string },
): Promise<void> {
  await influx.createDatabase(db); // CREATE DATABASE is a no-op when it exists
  const existing = new Map((await influx.showRetentionPolicies(db)).map((p) => [p.name, p]));
  const wanted = [
    { name: RP.raw, duration: retention.raw, isDefault: true },
    { name: RP.m1, duration: retention.rollup, isDefault: false },
    { name: RP.m15, duration: retention.rollup, isDefault: false },
  ];
  for (const rp of wanted) {
    const opts = { database: db, duration: rp.duration, replication: 1, isDefault: rp.isDefault };
    if (existing.has(rp.name)) await influx.alterRetentionPolicy(rp.name, opts);
    else await influx.createRetentionPolicy(rp.name, opts);
  }
  const cqs = new Set((await influx.showContinousQueries(db)).map((c) => c.name));
  for (const cq of continuousQueries(db)) {
    // RESAMPLE FOR 2 intervals so late points (store-and-forward) still reach the roll-up.
    const every = cq.name.endsWith('_1m') ? '1m' : '15m';
    const resample = `RESAMPLE EVERY ${every} FOR ${every === '1m' ? '2m' : '30m'}`;
    if (!cqs.has(cq.name)) await influx.createContinuousQuery(cq.name, cq.query, db, resample);
  }
}
