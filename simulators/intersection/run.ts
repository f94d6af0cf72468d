/**
 * `sim intersection`: the built-in microsimulator (simulators/traffic) drives the CityEdge
 * controller's detectors and reads its heads, in-process on one simulated clock (the edge agent
 * is not in the loop). Reports delay and ATSPM-style per-phase measures from `onCycle`.
 */
import type { SimulatedClock } from 'xstate';
import type { IntersectionConfig } from '../../controllers/signals/config.ts';
import { createIntersectionController } from '../../controllers/signals/index.ts';
import type { CycleMeasures, IntersectionController } from '../../controllers/signals/types.ts';
import { CityEdgeError, type Result, err, ok } from '../../core/errors.ts';
import { controllerPlant } from '../traffic/adapters/controller.ts';
import { layoutFromConfig } from '../traffic/layout.ts';
import type { SimRecords } from '../traffic/records.ts';
import { runSimulation } from '../traffic/run.ts';
import { OFF_PEAK, PEAK, UNBALANCED, evScenario } from '../traffic/scenarios.ts';
import type { DemandSpec, EmergencySpec } from '../traffic/types.ts';

export const NAMED_DEMANDS: Record<string, DemandSpec> = {
  offpeak: OFF_PEAK.demand,
  peak: PEAK.demand,
  unbalanced: UNBALANCED.demand,
};

/** `offpeak|peak|unbalanced`, or `approach.turn=vph,…` (e.g. `eastbound.through=600,northbound.left=40`). */
export function parseDemand(arg: string): Result<DemandSpec> {
  const named = NAMED_DEMANDS[arg];
  if (named) return ok(named);
  const vehPerHour: Record<string, number> = {};
  for (const part of arg
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]+\.(?:through|left|right))=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) {
      return err(
        new CityEdgeError(
          'SIM_INTERSECTION_BAD_DEMAND',
          `bad demand "${part}": want approach.turn=vph or one of ${Object.keys(NAMED_DEMANDS).join(', ')}`,
        ),
      );
    }
    vehPerHour[m[1] ?? ''] = Number(m[2]);
  }
  if (Object.keys(vehPerHour).length === 0)
    return err(new CityEdgeError('SIM_INTERSECTION_BAD_DEMAND', 'empty demand'));
  return ok({ vehPerHour, pedsPerHour: {} });
}

export interface PhaseAtspm {
  readonly phase: number;
  readonly cycles: number;
  readonly meanGreenS: number;
  /** Percent arrivals on green (ATSPM Purdue coordination diagram). */
  readonly arrivalsOnGreenPct: number;
  readonly splitFailures: number;
  readonly gapOuts: number;
  readonly maxOuts: number;
  readonly forceOffs: number;
  readonly meanGreenOccupancy: number;
}

/** Per-phase ATSPM aggregates over every cycle the controller reported. */
export function aggregateAtspm(cycles: readonly CycleMeasures[]): PhaseAtspm[] {
  const byPhase = new Map<
    number,
    {
      n: number;
      green: number;
      aog: number;
      aor: number;
      sf: number;
      gap: number;
      max: number;
      force: number;
      gor: number;
    }
  >();
  for (const c of cycles) {
    for (const [id, m] of Object.entries(c.phases)) {
      const a = byPhase.get(Number(id)) ?? {
        n: 0,
        green: 0,
        aog: 0,
        aor: 0,
        sf: 0,
        gap: 0,
        max: 0,
        force: 0,
        gor: 0,
      };
      a.n++;
      a.green += m.greenMs;
      a.aog += m.arrivalsOnGreen;
      a.aor += m.arrivalsOnRed;
      a.sf += m.splitFailure ? 1 : 0;
      a.gap += m.gapOuts;
      a.max += m.maxOuts;
      a.force += m.forceOffs;
      a.gor += m.greenOccupancy;
      byPhase.set(Number(id), a);
    }
  }
  return [...byPhase.entries()]
    .sort(([a], [b]) => a - b)
    .map(([phase, a]) => ({
      phase,
      cycles: a.n,
      meanGreenS: a.green / a.n / 1000,
      arrivalsOnGreenPct: a.aog + a.aor > 0 ? (100 * a.aog) / (a.aog + a.aor) : Number.NaN,
      splitFailures: a.sf,
      gapOuts: a.gap,
      maxOuts: a.max,
      forceOffs: a.force,
      meanGreenOccupancy: a.gor / a.n,
    }));
}

export interface IntersectionSimOptions {
  readonly config: IntersectionConfig;
  readonly demand: DemandSpec;
  readonly seed: number;
  readonly durationS: number;
  /** Approaches that each get two emergency vehicles (through movement). */
  readonly evApproaches?: readonly string[];
}

export interface IntersectionSimReport {
  readonly records: SimRecords;
  readonly atspm: PhaseAtspm[];
  readonly cycles: number;
  readonly rejected: Record<string, number>;
  readonly wallMs: number;
}

export function runIntersectionSim(o: IntersectionSimOptions): Result<IntersectionSimReport> {
  const cycles: CycleMeasures[] = [];
  let plant: ReturnType<typeof controllerPlant> | undefined;
  let emergencies: EmergencySpec[] = [];
  if (o.evApproaches?.length) {
    emergencies =
      evScenario({ name: 'x', demand: o.demand }, [...o.evApproaches], o.durationS).emergencies ?? [];
  }
  const r = runSimulation(
    {
      layout: layoutFromConfig(o.config),
      demand: o.demand,
      seed: o.seed,
      durationS: o.durationS,
      emergencies,
    },
    (clock: SimulatedClock) => {
      const ctl: IntersectionController = createIntersectionController(o.config, { clock });
      ctl.onCycle((m) => cycles.push(m));
      plant = controllerPlant(ctl);
      return plant;
    },
  );
  if (!r.ok) return err(new CityEdgeError(r.error.code, r.error.message));
  return ok({
    records: r.value.records,
    atspm: aggregateAtspm(cycles),
    cycles: cycles.length,
    rejected: plant?.rejected() ?? {},
    wallMs: r.value.wallMs,
  });
}

const f1 = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));

export function formatIntersectionReport(r: IntersectionSimReport): string {
  const rec = r.records;
  const lines = [
    `vehicles ${rec.vehicles}, mean delay ${f1(rec.meanDelayS)} s, p95 ${f1(rec.p95DelayS)} s, stop rate ${(rec.stopRate * 100).toFixed(0)}%, max queue ${rec.maxQueueVeh} veh, unserved ${rec.unserved}`,
    `green utilisation ${(rec.greenUtilisation * 100).toFixed(0)}%, red-light violations ${rec.violations}, cycles ${r.cycles}`,
  ];
  if (rec.evDelays.length)
    lines.push(`EV delays: ${rec.evDelays.map((e) => `${e.vehicleId} ${f1(e.delayS)} s`).join(', ')}`);
  lines.push('', 'phase  cycles  green s  AoG %  split fail  gap-out  max-out  force-off  GOR');
  for (const p of r.atspm) {
    lines.push(
      `${String(p.phase).padStart(5)}${String(p.cycles).padStart(8)}${f1(p.meanGreenS).padStart(9)}${f1(p.arrivalsOnGreenPct).padStart(7)}${String(p.splitFailures).padStart(12)}${String(p.gapOuts).padStart(9)}${String(p.maxOuts).padStart(9)}${String(p.forceOffs).padStart(11)}${p.meanGreenOccupancy.toFixed(2).padStart(6)}`,
    );
  }
  const rejected = Object.entries(r.rejected);
  if (rejected.length)
    lines.push(`controller rejected inputs: ${rejected.map(([c, n]) => `${c}=${n}`).join(', ')}`);
  return lines.join('\n');
}
