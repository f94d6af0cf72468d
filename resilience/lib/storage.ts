/**
 * What InfluxDB actually holds, counted per message key. Scenarios send sensor readings whose
 * `raw` field is a unique frame/message number, so "stored" and "duplicated" are read from the
 * store itself, not from any counter of the component under test.
 */
import { InfluxDB } from 'influx';

export interface StorageCount {
  /** Distinct keys found. */
  keys: Set<string>;
  /** Rows beyond the first for a key (the same reading stored twice under different times). */
  duplicated: number;
  /** Rows per key, for scenarios that judge only some keys (valid frames, not phantoms). */
  rowsOf: Map<string, number>;
  rows: number;
}

/**
 * Reads every `sensor` row of `site` (optionally one `kind`) and keys it `device/raw`. InfluxDB
 * overwrites a point with the same series and timestamp, so a replay of the same message does
 * not show up here; a second row with the same key is a real duplicate in storage.
 */
export async function storedSensorKeys(
  influxPort: number,
  site: string,
  opts: { database?: string; kind?: string } = {},
): Promise<StorageCount> {
  const influx = new InfluxDB({ host: '127.0.0.1', port: influxPort, database: opts.database ?? 'cityedge' });
  const kind = opts.kind ? ` AND "kind" = '${opts.kind}'` : '';
  const rows = await influx.query<{ device: string; raw: number | null }>(
    `SELECT "raw", "device" FROM "raw"."sensor" WHERE "site" = '${site}'${kind}`,
  );
  const keys = new Set<string>();
  const rowsOf = new Map<string, number>();
  let duplicated = 0;
  for (const r of rows) {
    const key = `${r.device}/${r.raw}`;
    if (keys.has(key)) duplicated++;
    else keys.add(key);
    rowsOf.set(key, (rowsOf.get(key) ?? 0) + 1);
  }
  return { keys, duplicated, rowsOf, rows: rows.length };
}

/** Sleeps `ms` (a loaded machine may oversleep; callers measure elapsed time themselves). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** `1.2 s` */
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
