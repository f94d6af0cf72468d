/**
 * Trip metrics from SUMO's tripinfo output: delay is `timeLoss` (time lost against driving at
 * the desired speed), halts are `waitingCount` (times a vehicle came to a stop).
 */
import { readFile } from 'node:fs/promises';

export interface Trip {
  readonly id: string;
  readonly vType: string;
  readonly departS: number;
  readonly durationS: number;
  readonly timeLossS: number;
  readonly halts: number;
  readonly routeLengthM: number;
  /** Edge the vehicle departed from (from `departLane`), to tell cross-street from arterial traffic. */
  readonly departEdge: string;
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

export function parseTripinfo(xml: string): Trip[] {
  const trips: Trip[] = [];
  for (const m of xml.matchAll(/<tripinfo\s[^>]*>/g)) {
    const tag = m[0];
    trips.push({
      id: attr(tag, 'id') ?? '',
      vType: attr(tag, 'vType') ?? '',
      departS: Number(attr(tag, 'depart')),
      durationS: Number(attr(tag, 'duration')),
      timeLossS: Number(attr(tag, 'timeLoss')),
      halts: Number(attr(tag, 'waitingCount')),
      routeLengthM: Number(attr(tag, 'routeLength')),
      departEdge: (attr(tag, 'departLane') ?? '').replace(/_\d+$/, ''),
    });
  }
  return trips;
}

export async function readTripinfo(path: string): Promise<Trip[]> {
  return parseTripinfo(await readFile(path, 'utf8'));
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

export interface TripSummary {
  readonly vehicles: number;
  readonly meanDelayS: number;
  readonly p95DelayS: number;
  readonly haltsPerVehicle: number;
  readonly evCount: number;
  readonly evMeanTravelS: number;
  readonly evMeanDelayS: number;
  readonly evHaltsPerVehicle: number;
  /** EV travel time with zero time loss (travel minus timeLoss): the floor no signal can beat. */
  readonly evMeanFreeFlowS: number;
}

/** Summary over general traffic; EVs (vType `ev`) are reported separately. */
export function summarize(trips: readonly Trip[], isEv = (t: Trip) => t.vType === 'ev'): TripSummary {
  const cars = trips.filter((t) => !isEv(t));
  const evs = trips.filter(isEv);
  const delays = cars.map((t) => t.timeLossS);
  return {
    vehicles: cars.length,
    meanDelayS: mean(delays),
    p95DelayS: percentile(delays, 95),
    haltsPerVehicle: mean(cars.map((t) => t.halts)),
    evCount: evs.length,
    evMeanTravelS: mean(evs.map((t) => t.durationS)),
    evMeanDelayS: mean(evs.map((t) => t.timeLossS)),
    evHaltsPerVehicle: mean(evs.map((t) => t.halts)),
    evMeanFreeFlowS: mean(evs.map((t) => t.durationS - t.timeLossS)),
  };
}

/** Mean delay of general traffic that entered from one of `edges` (e.g. the cross streets). */
export function meanDelayFrom(trips: readonly Trip[], edges: ReadonlySet<string>): number {
  return mean(trips.filter((t) => t.vType !== 'ev' && edges.has(t.departEdge)).map((t) => t.timeLossS));
}

/** Teleports counted by SUMO's statistic output (`<teleports total="N" …/>`). */
export async function readTeleports(statisticsPath: string): Promise<number> {
  const xml = await readFile(statisticsPath, 'utf8');
  const m = /<teleports\s[^>]*total="(\d+)"/.exec(xml);
  return m ? Number(m[1]) : Number.NaN;
}

/** Collisions counted by SUMO's statistic output (`<safety collisions="N" …/>`). */
export async function readCollisions(statisticsPath: string): Promise<number> {
  const xml = await readFile(statisticsPath, 'utf8');
  const m = /<safety\s[^>]*collisions="(\d+)"/.exec(xml);
  return m ? Number(m[1]) : Number.NaN;
}

/** Mean delay of general traffic per departure edge (one per approach in the junction scenarios). */
export function meanDelayByEdge(trips: readonly Trip[]): Record<string, number> {
  const by = new Map<string, number[]>();
  for (const t of trips) {
    if (t.vType === 'ev') continue;
    const list = by.get(t.departEdge) ?? [];
    list.push(t.timeLossS);
    by.set(t.departEdge, list);
  }
  return Object.fromEntries([...by.entries()].sort().map(([e, d]) => [e, mean(d)]));
}
