/**
 * `sim sumo report`: SUMO's static and actuated programs and the CityEdge controller on the same
 * networks, demand and seeds; delay from tripinfo `timeLoss`. Figures are printed as measured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControllerFactory, cityEdgeController } from './controller.ts';
import { runSumoPlain } from './launch.ts';
import { type IntersectionBinding, loadIntersectionBinding } from './mapping.ts';
import { type Trip, readTeleports, readTripinfo } from './metrics.ts';
import { type ReportRow, type RunKind, summarizeRow } from './report-format.ts';
import { runControlled } from './run.ts';
import type { NetworkName } from './scenarios/build.ts';
import { type Demand, type JunctionDemandName, corridorDemand, junctionDemand } from './scenarios/demand.ts';
import { prepareScenario } from './scenarios/prepare.ts';

export interface ReportOptions {
  /** Demand duration per scenario, s (vehicles still finish after it). */
  readonly durationS: number;
  /** Seeds per scenario; trips of all seeds are pooled. */
  readonly seeds: number;
  readonly factory?: ControllerFactory;
  /** Subset of scenarios (offpeak, peak, unbalanced, emergency, corridor); all when absent. */
  readonly only?: readonly string[];
  readonly log?: (line: string) => void;
}

const scenarioDir = join(import.meta.dirname, 'scenarios');
const CROSS_STREETS = new Set(['N1_J1', 'S1_J1', 'N2_J2', 'S2_J2', 'N3_J3', 'S3_J3']);

async function bindingsFor(network: NetworkName): Promise<IntersectionBinding[]> {
  const files =
    network === 'junction'
      ? ['junction/junction.intersection.yaml']
      : ['corridor/j1.intersection.yaml', 'corridor/j2.intersection.yaml', 'corridor/j3.intersection.yaml'];
  const out: IntersectionBinding[] = [];
  for (const f of files) {
    const b = await loadIntersectionBinding(join(scenarioDir, f));
    if (!b.ok) throw b.error;
    out.push(b.value);
  }
  return out;
}

interface RunOutput {
  readonly trips: Trip[];
  readonly teleports: number;
}

async function runOnce(
  network: NetworkName,
  demand: Demand,
  kind: RunKind,
  dir: string,
  o: ReportOptions,
): Promise<RunOutput> {
  const tls = kind === 'sumo-actuated' ? 'actuated' : 'static';
  const sc = await prepareScenario({
    network,
    tls,
    demand,
    dir,
    label: `${demand.name}.${demand.seed}.${kind}`,
  });
  if (kind === 'sumo-static' || kind === 'sumo-actuated') {
    await runSumoPlain(['-c', sc.sumocfg]);
  } else {
    await runControlled({
      target: { kind: 'launch', args: ['-c', sc.sumocfg] },
      bindings: await bindingsFor(network),
      factory: o.factory ?? cityEdgeController,
      priority: kind === 'cityedge',
    });
  }
  return { trips: await readTripinfo(sc.tripinfoPath), teleports: await readTeleports(sc.statisticsPath) };
}

async function runScenario(
  network: NetworkName,
  base: Demand,
  kinds: readonly RunKind[],
  dir: string,
  o: ReportOptions,
): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  for (const kind of kinds) {
    const started = Date.now();
    const trips: Trip[] = [];
    let teleports = 0;
    for (let k = 0; k < o.seeds; k++) {
      const r = await runOnce(network, { ...base, seed: base.seed + k * 1000 }, kind, dir, o);
      trips.push(...r.trips);
      teleports += r.teleports;
    }
    const row = summarizeRow(
      base.name,
      kind,
      trips,
      teleports,
      network === 'corridor' ? CROSS_STREETS : undefined,
    );
    o.log?.(
      `  ${base.name} ${kind}: ${row.summary.vehicles} vehicles in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    rows.push(row);
  }
  return rows;
}

/** Runs every scenario; returns rows for `formatReport`. */
export async function runReport(o: ReportOptions): Promise<ReportRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-sumo-report-'));
  try {
    const rows: ReportRow[] = [];
    const wanted = (n: string) => !o.only?.length || o.only.includes(n);
    const names: JunctionDemandName[] = ['offpeak', 'peak', 'unbalanced', 'emergency'];
    for (const name of names.filter(wanted)) {
      const kinds: RunKind[] = ['sumo-static', 'sumo-actuated', 'cityedge'];
      if (name === 'emergency') kinds.push('cityedge-no-priority');
      rows.push(...(await runScenario('junction', junctionDemand(name, o.durationS), kinds, dir, o)));
    }
    const corridorKinds: RunKind[] = ['sumo-static', 'sumo-actuated', 'cityedge-no-priority', 'cityedge'];
    if (wanted('corridor'))
      rows.push(...(await runScenario('corridor', corridorDemand(o.durationS), corridorKinds, dir, o)));
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
