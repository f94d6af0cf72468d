/**
 * The city plan: where each site sits, from configured coordinates (the broker's `cityPlan`
 * file, served at `GET /api/plan`; the demo writes its own). No tile server: the overview is a schematic
 * drawn from these points. Devices missing from the plan are laid out on a grid so nothing hides.
 */
import { type CityPlan, checkPlan, type PlanSite } from '../../core/contract/plan.ts';
import { ApiError, api, type Session } from './api.ts';
import type { CityState } from './state.ts';

export type { CityPlan, PlanRoute, PlanSite } from '../../core/contract/plan.ts';

export const emptyPlan = (): CityPlan => ({ name: 'City', sites: [], routes: [] });

/** The plan, or an empty one with the reason when it is missing or refused by the contract. */
export interface LoadedPlan {
  plan: CityPlan;
  /** Why the configured plan is not drawn (null when it is, or when none is configured). */
  problem: string | null;
}

/** The broker's plan (`GET /api/plan`, checked against the contract again here). */
export async function loadPlan(session: Session): Promise<LoadedPlan> {
  try {
    const { plan } = await api.get<{ plan: unknown }>(session, '/api/plan');
    const checked = checkPlan(plan);
    if (checked.ok) return { plan: checked.value, problem: null };
    return { plan: emptyPlan(), problem: `city plan refused: ${checked.error.message}` };
  } catch (e) {
    // No plan configured: the devices are laid out on a grid, nothing to report.
    if (e instanceof ApiError && e.status === 404) return { plan: emptyPlan(), problem: null };
    return { plan: emptyPlan(), problem: `city plan: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export interface Placed extends PlanSite {
  x: number;
  y: number;
  planned: boolean;
}

const MARGIN = 70;
export const GRID_H = 90;

/** lat/lon → SVG units: equal metres per unit both ways (cos(lat) shrinks longitude), fitted. */
export function projection(plan: CityPlan, w: number, h: number) {
  const pts = [
    ...plan.sites.map((s) => [s.lat, s.lon] as const),
    ...(plan.streets ?? []).flatMap((s) => s.points),
  ];
  if (pts.length === 0) return (_lat: number, _lon: number) => ({ x: w / 2, y: h / 2 });
  const lats = pts.map((p) => p[0]);
  const lons = pts.map((p) => p[1]);
  const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos(((la0 + la1) / 2) * (Math.PI / 180));
  const spanX = Math.max((lo1 - lo0) * k, 1e-6);
  const spanY = Math.max(la1 - la0, 1e-6);
  const scale = Math.min((w - 2 * MARGIN) / spanX, (h - 2 * MARGIN - GRID_H) / spanY);
  const ox = (w - spanX * scale) / 2;
  const oy = (h - GRID_H - spanY * scale) / 2;
  return (lat: number, lon: number) => ({ x: ox + (lon - lo0) * k * scale, y: oy + (la1 - lat) * scale });
}

/** Every site of the plan plus every reporting device it lacks (laid out in a strip below). */
export function placeSites(plan: CityPlan, city: CityState, w: number, h: number): Placed[] {
  const keys = new Set(plan.sites.map((s) => s.key));
  const extra: PlanSite[] = [];
  for (const d of Object.values(city.devices)) {
    const base = `${d.site}/${d.device}`;
    if (d.lot && !keys.has(base)) extra.push({ key: base, kind: 'lot', name: base, lat: 0, lon: 0 });
    for (const id of Object.keys(d.intersections)) {
      const k = `${base}/${id}`;
      if (!keys.has(k)) extra.push({ key: k, kind: 'intersection', name: `${id} (${base})`, lat: 0, lon: 0 });
    }
  }
  const project = projection(plan, w, h);
  const placed: Placed[] = plan.sites.map((s) => ({ ...s, ...project(s.lat, s.lon), planned: true }));
  const cols = Math.max(1, Math.floor((w - 2 * MARGIN) / 150));
  extra.forEach((s, i) => {
    const x = MARGIN + (i % cols) * 150;
    placed.push({ ...s, x, y: h - GRID_H + 30 + Math.floor(i / cols) * 60, planned: false });
  });
  return placed;
}
