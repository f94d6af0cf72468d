/**
 * `sim sumo report`: every junction × demand under SUMO's static, actuated and delay_based programs
 * and CityEdge, same nets, demand and seeds in the same run. Delay = tripinfo timeLoss; per-approach
 * delay by departure edge; teleports and collisions from SUMO's statistics; monitor faults from the
 * controller. Targets of issue 11 evaluated per row, printed met / not met as measured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControllerFactory, cityEdgeController, cityEdgeSaturationController } from '../controller.ts';
import { runSumoPlain } from '../launch.ts';
import {
  type Trip,
  type TripSummary,
  mean,
  meanDelayByEdge,
  readCollisions,
  readTeleports,
  readTripinfo,
  summarize,
} from '../metrics.ts';
import { runControlled } from '../run.ts';
import type { TlsType } from '../scenarios/build.ts';
import { prepareRun } from '../scenarios/prepare.ts';
import type { FamilyDemandName } from './demand.ts';
import { FAMILY_DEMANDS, SITES, type Site } from './sites.ts';

export type SiteRunKind =
  | 'sumo-static'
  | 'sumo-actuated'
  | 'sumo-delay_based'
  | 'cityedge'
  | 'cityedge+sat'
  | 'cityedge-no-priority';
export const SUMO_KINDS: readonly SiteRunKind[] = ['sumo-static', 'sumo-actuated', 'sumo-delay_based'];

export interface SiteRow {
  readonly site: string;
  readonly heldOut: boolean;
  readonly demand: FamilyDemandName;
  readonly kind: SiteRunKind;
  readonly summary: TripSummary;
  /** Mean delay per approach label. */
  readonly approaches: Readonly<Record<string, number>>;
  readonly teleports: number;
  readonly collisions: number;
  /** Controller safety-monitor faults (only for CityEdge runs; SUMO's programs have no monitor). */
  readonly monitorFaults: number | undefined;
  readonly wallS: number;
  /** CityEdge runs: mean EV time loss when it checked out of the junction (to and across the stop line). */
  readonly evStopLineDelayS?: number;
}

export interface SiteReportOptions {
  readonly durationS: number;
  readonly seeds: number;
  /** Subset of sites (junction, tee, minor, arterial, skew) and/or demands; all when absent. */
  readonly sites?: readonly string[];
  readonly demands?: readonly FamilyDemandName[];
  readonly factory?: ControllerFactory;
  /** Also run the controller with its saturation layer (default true). */
  readonly saturation?: boolean;
  readonly log?: (line: string) => void;
}

const tlsOf = (k: SiteRunKind): TlsType =>
  k === 'sumo-actuated' ? 'actuated' : k === 'sumo-delay_based' ? 'delay_based' : 'static';

interface One {
  trips: Trip[];
  teleports: number;
  collisions: number;
  faults: number;
  evLoss: number[];
}

async function runOne(
  site: Site,
  demandName: FamilyDemandName,
  seedOffset: number,
  kind: SiteRunKind,
  dir: string,
  o: SiteReportOptions,
): Promise<One> {
  const { netPath, detectorsPath } = await site.build(tlsOf(kind), dir);
  const base = site.demand(demandName, o.durationS);
  const demand = { ...base, seed: base.seed + seedOffset };
  const label = `${site.name}.${demandName}.${demand.seed}.${kind}`;
  const sc = await prepareRun({ netPath, detectorsPath, demand, dir, label });
  let faults = 0;
  let evLoss: readonly number[] = [];
  if (SUMO_KINDS.includes(kind)) await runSumoPlain(['-c', sc.sumocfg]);
  else {
    const r = await runControlled({
      target: { kind: 'launch', args: ['-c', sc.sumocfg] },
      bindings: [await site.binding(netPath)],
      factory: o.factory ?? (kind === 'cityedge+sat' ? cityEdgeSaturationController : cityEdgeController),
      priority: kind !== 'cityedge-no-priority',
    });
    faults = r.monitorFaults;
    evLoss = r.evLossAtCheckOutS;
  }
  return {
    trips: await readTripinfo(sc.tripinfoPath),
    teleports: await readTeleports(sc.statisticsPath),
    collisions: await readCollisions(sc.statisticsPath),
    faults,
    evLoss: [...evLoss],
  };
}

export async function runSiteReport(o: SiteReportOptions): Promise<SiteRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-sumo-family-'));
  const rows: SiteRow[] = [];
  try {
    for (const site of SITES.filter((s) => !o.sites?.length || o.sites.includes(s.name))) {
      for (const demand of FAMILY_DEMANDS.filter((d) => !o.demands?.length || o.demands.includes(d))) {
        const kinds: SiteRunKind[] = [
          ...SUMO_KINDS,
          'cityedge',
          ...(o.saturation === false ? [] : (['cityedge+sat'] as const)),
        ];
        if (demand === 'emergency') kinds.push('cityedge-no-priority');
        for (const kind of kinds) {
          const started = Date.now();
          const acc: One = { trips: [], teleports: 0, collisions: 0, faults: 0, evLoss: [] };
          for (let k = 0; k < o.seeds; k++) {
            const r = await runOne(site, demand, k * 1000, kind, dir, o);
            acc.trips.push(...r.trips);
            acc.teleports += r.teleports;
            acc.collisions += r.collisions;
            acc.faults += r.faults;
            acc.evLoss.push(...r.evLoss);
          }
          const byEdge = meanDelayByEdge(acc.trips);
          const row: SiteRow = {
            site: site.name,
            heldOut: site.heldOut,
            demand,
            kind,
            summary: summarize(acc.trips),
            approaches: Object.fromEntries(
              Object.entries(byEdge).map(([e, d]) => [site.approachLabel(e), d]),
            ),
            teleports: acc.teleports,
            collisions: acc.collisions,
            monitorFaults: SUMO_KINDS.includes(kind) ? undefined : acc.faults,
            wallS: (Date.now() - started) / 1000,
            ...(acc.evLoss.length ? { evStopLineDelayS: mean(acc.evLoss) } : {}),
          };
          o.log?.(
            `  ${site.name}-${demand} ${kind}: ${row.summary.vehicles} veh, ${row.summary.meanDelayS.toFixed(1)} s, ${row.wallS.toFixed(0)} s wall`,
          );
          rows.push(row);
        }
      }
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
