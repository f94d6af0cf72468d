/**
 * The demo city's plan: where every site sits (WGS84 coordinates an installer would survey) and
 * the emergency routes through the corridor. Written as `city.json` and given to the broker
 * (`cityPlan`), which serves it to the dashboard (no tile server). A real installation writes its own.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CityPlan } from '../core/contract/plan.ts';

export interface DemoIntersection {
  site: string;
  device: string;
  /** Intersection id (also the `intersection` argument of its commands). */
  id: string;
  name: string;
  signalId: number;
  lat: number;
  lon: number;
}

export interface DemoLot {
  site: string;
  device: string;
  name: string;
  lat: number;
  lon: number;
}

/** Mariscal López corridor, Asunción: three signalised junctions about 250 m apart, west → east. */
export const CORRIDOR: DemoIntersection[] = [
  {
    site: 'downtown',
    device: 'cab-1',
    id: 'main-and-3rd',
    name: 'Main St & 3rd Ave',
    signalId: 1001,
    lat: -25.2868,
    lon: -57.6235,
  },
  {
    site: 'downtown',
    device: 'cab-2',
    id: 'main-and-4th',
    name: 'Main St & 4th Ave',
    signalId: 1002,
    lat: -25.2868,
    lon: -57.621,
  },
  {
    site: 'downtown',
    device: 'cab-3',
    id: 'main-and-5th',
    name: 'Main St & 5th Ave',
    signalId: 1003,
    lat: -25.2868,
    lon: -57.6185,
  },
];

export const LOTS: DemoLot[] = [
  { site: 'campus', device: 'gw-1', name: 'Campus car park P1', lat: -25.2846, lon: -57.6222 },
  { site: 'riverside', device: 'gw-2', name: 'Riverside car park', lat: -25.2889, lon: -57.6195 },
];

/** Where an EV run starts and ends, m before the first and after the last junction. */
export const EV_LEAD_M = 400;
export const EV_TAIL_M = 250;

/** West and east ends of Main St as drawn (the EV runs between them). */
const MAIN_WEST: [number, number] = [-25.2868, -57.6275];
const MAIN_EAST: [number, number] = [-25.2868, -57.616];

export const EV_ROUTES = [
  { routeId: 'main-eastbound', name: 'Main St eastbound', approach: 'eastbound', order: [0, 1, 2] },
  { routeId: 'main-westbound', name: 'Main St westbound', approach: 'westbound', order: [2, 1, 0] },
] as const;

export function cityPlan(): CityPlan {
  const key = (x: DemoIntersection) => `${x.site}/${x.device}/${x.id}`;
  const avenue = (x: DemoIntersection, name: string) => ({
    name,
    points: [
      [x.lat + 0.0022, x.lon],
      [x.lat - 0.0022, x.lon],
    ] as Array<[number, number]>,
  });
  return {
    name: 'Demo city — Mariscal López corridor',
    sites: [
      ...CORRIDOR.map((x) => ({
        key: key(x),
        kind: 'intersection' as const,
        name: x.name,
        lat: x.lat,
        lon: x.lon,
      })),
      ...LOTS.map((l) => ({
        key: `${l.site}/${l.device}`,
        kind: 'lot' as const,
        name: l.name,
        lat: l.lat,
        lon: l.lon,
      })),
    ],
    routes: EV_ROUTES.map((r) => ({
      routeId: r.routeId,
      name: r.name,
      via: r.order.map((i) => key(CORRIDOR[i]!)),
    })),
    streets: [
      { name: 'Main St', points: [MAIN_WEST, MAIN_EAST] },
      avenue(CORRIDOR[0]!, '3rd Ave'),
      avenue(CORRIDOR[1]!, '4th Ave'),
      avenue(CORRIDOR[2]!, '5th Ave'),
    ],
  };
}

/** Writes `city.json` into `dir` and returns its path (the broker's `cityPlan` option). */
export async function writeCityPlan(dir: string): Promise<string> {
  const file = join(dir, 'city.json');
  await writeFile(file, `${JSON.stringify(cityPlan(), null, 2)}\n`);
  return file;
}

const M_PER_DEG_LAT = 111_320;

/** A point `offsetM` along Main St in the direction of travel, from EV_LEAD_M before the first stop. */
export function pointAlong(routeId: string, offsetM: number): { lat: number; lon: number } {
  const route = EV_ROUTES.find((r) => r.routeId === routeId)!;
  const first = CORRIDOR[route.order[0]]!;
  const dir = route.approach === 'eastbound' ? 1 : -1;
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((first.lat * Math.PI) / 180);
  return { lat: first.lat, lon: first.lon + (dir * (offsetM - EV_LEAD_M)) / mPerDegLon };
}

/** Route offset of each junction's stop line, m (distances from the coordinates). */
export function stopOffsets(routeId: string): Array<{ x: DemoIntersection; offsetM: number }> {
  const route = EV_ROUTES.find((r) => r.routeId === routeId)!;
  const first = CORRIDOR[route.order[0]]!;
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((first.lat * Math.PI) / 180);
  return route.order.map((i) => {
    const x = CORRIDOR[i]!;
    return { x, offsetM: EV_LEAD_M + Math.abs(x.lon - first.lon) * mPerDegLon };
  });
}
