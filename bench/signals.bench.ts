/**
 * Signals benchmark: Webster fixed-time vs. the real responsive controller on the built-in
 * microsimulator. Same layout, same demand, same seeds for both; figures are simulated delays,
 * not wall-clock timings (the wall time column only shows the simulator's speed).
 *
 *   npm run bench:signals            # 5 seeds, 1 simulated hour each
 *   SEEDS=10 npm run bench:signals
 */
import { readFileSync } from 'node:fs';
import type { SimulatedClock } from 'xstate';
import {
  createIntersectionController,
  type IntersectionConfig,
  parseIntersectionConfig,
} from '../controllers/signals/index.ts';
import { createAdaptiveTiming } from '../controllers/signals/timing/adaptive.ts';
import { timingLayoutFromConfig } from '../controllers/signals/timing/from-config.ts';
import { websterPlan } from '../controllers/signals/timing/webster.ts';
import { controllerPlant } from '../simulators/traffic/adapters/controller.ts';
import { fixedTimePlant } from '../simulators/traffic/adapters/fixed-time.ts';
import { layoutFromConfig } from '../simulators/traffic/layout.ts';
import { flowRatiosFromDemand, type RunResult, runSimulation } from '../simulators/traffic/run.ts';
import { evScenario, OFF_PEAK, PEAK, type Scenario, UNBALANCED } from '../simulators/traffic/scenarios.ts';
import type { SignalPlant, SimLayout } from '../simulators/traffic/types.ts';

const SEEDS = Number(process.env.SEEDS ?? 5);
const DURATION_S = 3600;
const WARMUP_S = 300;
const CONFIG = new URL('../controllers/signals/examples/four-leg-protected.yaml', import.meta.url);

type Kind = 'webster-fixed' | 'responsive' | 'resp+retime';

interface Row {
  scenario: string;
  kind: Kind;
  runs: RunResult[];
  cycleS?: number;
  rejected: Record<string, number>;
}

function load(): IntersectionConfig {
  const r = parseIntersectionConfig(readFileSync(CONFIG, 'utf8'));
  if (!r.ok) throw new Error(`config: ${r.error.message}`);
  return r.value;
}

function plantFor(kind: Kind, cfg: IntersectionConfig, layout: SimLayout, sc: Scenario, row: Row) {
  if (kind !== 'webster-fixed') {
    return (clock: SimulatedClock): SignalPlant => {
      const ctl = createIntersectionController(cfg, { clock });
      const p = controllerPlant(ctl);
      const adaptive = kind === 'resp+retime' ? createAdaptiveTiming(cfg) : undefined;
      if (adaptive) {
        ctl.onCycle((m) => {
          const d = adaptive.cycle(m.endMs, m.phases);
          if (d && !ctl.applyTiming(d.controllerPlan).ok)
            row.rejected.applyTiming = (row.rejected.applyTiming ?? 0) + 1;
        });
      }
      return {
        ...p,
        detector: (id, on) => {
          adaptive?.edge(id, on, clock.now());
          p.detector(id, on);
        },
        stop: () => {
          p.stop();
          for (const [k, v] of Object.entries(p.rejected())) row.rejected[k] = (row.rejected[k] ?? 0) + v;
        },
      };
    };
  }
  const tl = timingLayoutFromConfig(cfg);
  const w = websterPlan(tl, flowRatiosFromDemand(layout, sc.demand), { minCycleS: 40, maxCycleS: 150 });
  if (!w.ok) throw new Error(`webster: ${w.error.message}`);
  row.cycleS = w.value.plan.cycleS;
  return (clock: { now(): number }) => fixedTimePlant(tl, w.value.plan, clock);
}

function runRow(kind: Kind, cfg: IntersectionConfig, layout: SimLayout, sc: Scenario): Row {
  const row: Row = { scenario: sc.name, kind, runs: [], rejected: {} };
  const make = plantFor(kind, cfg, layout, sc, row);
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = runSimulation(
      {
        layout,
        demand: sc.demand,
        seed,
        durationS: DURATION_S,
        warmupS: WARMUP_S,
        emergencies: sc.emergencies ?? [],
      },
      make,
    );
    if (!r.ok) throw new Error(`${sc.name}: ${r.error.message}`);
    row.runs.push(r.value);
  }
  return row;
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** Vehicle-weighted mean delay over all seeds. */
const meanDelay = (row: Row) =>
  row.runs.reduce((s, r) => s + r.records.meanDelayS * r.records.vehicles, 0) /
  Math.max(
    1,
    row.runs.reduce((s, r) => s + r.records.vehicles, 0),
  );
const evDelays = (row: Row) => row.runs.flatMap((r) => r.records.evDelays.map((e) => e.delayS));

function printRow(row: Row): void {
  const ev = evDelays(row);
  const f = (x: number, d = 1) => x.toFixed(d).padStart(7);
  console.log(
    [
      row.scenario.padEnd(14),
      row.kind.padEnd(13),
      f(meanDelay(row)),
      f(avg(row.runs.map((r) => r.records.p95DelayS))),
      f(avg(row.runs.map((r) => r.records.stopRate)), 2),
      f(avg(row.runs.map((r) => r.records.greenUtilisation)), 2),
      ev.length > 0 ? f(avg(ev)) : '      -',
      ev.length > 0 ? f(Math.max(...ev)) : '      -',
      String(row.runs.reduce((s, r) => s + r.records.vehicles, 0)).padStart(7),
      String(row.runs.reduce((s, r) => s + r.counts.inSystem, 0)).padStart(5),
      f(avg(row.runs.map((r) => r.wallMs)), 0),
      row.cycleS !== undefined
        ? `C=${row.cycleS}s`
        : Object.keys(row.rejected).length > 0
          ? JSON.stringify(row.rejected)
          : '',
    ].join(' '),
  );
}

function main(): void {
  const cfg = load();
  const layout = layoutFromConfig(cfg, {
    speedKmhByApproach: { eastbound: 60, westbound: 60, northbound: 50, southbound: 50 },
  });
  const approaches = ['eastbound', 'northbound', 'westbound', 'southbound'];
  const scenarios = [
    OFF_PEAK,
    PEAK,
    UNBALANCED,
    evScenario(OFF_PEAK, approaches, DURATION_S),
    evScenario(PEAK, approaches, DURATION_S),
  ];
  console.log(
    `signals bench — ${cfg.id} (four-leg protected), ${SEEDS} seeds × ${DURATION_S / 3600} h, warm-up ${WARMUP_S} s`,
  );
  console.log(
    'scenario       controller    mean_d   p95_d   stops  g_util  EV_avg  EV_max    veh unsrv wall_ms note',
  );
  const rows = new Map<string, Row>();
  for (const sc of scenarios) {
    for (const kind of ['webster-fixed', 'responsive', 'resp+retime'] as const) {
      const row = runRow(kind, cfg, layout, sc);
      rows.set(`${sc.name}/${kind}`, row);
      printRow(row);
    }
  }
  const get = (s: string, k: Kind) => rows.get(`${s}/${k}`)!;
  const offCut = 1 - meanDelay(get('off-peak', 'responsive')) / meanDelay(get('off-peak', 'webster-fixed'));
  const evAll = [...evDelays(get('off-peak+EV', 'responsive')), ...evDelays(get('peak+EV', 'responsive'))];
  const peakRatio = meanDelay(get('peak', 'responsive')) / meanDelay(get('peak', 'webster-fixed'));
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log('\ntargets (responsive vs webster-fixed, same demand and seeds):');
  console.log(
    `  off-peak mean delay reduction ≥ 41%: ${(offCut * 100).toFixed(1)}%  ${verdict(offCut >= 0.41)}`,
  );
  console.log(
    `  EV delay at the intersection ≤ 5 s: max ${Math.max(...evAll).toFixed(1)} s, mean ${avg(evAll).toFixed(1)} s over ${evAll.length} EVs  ${verdict(Math.max(...evAll) <= 5)}`,
  );
  console.log(`  peak no worse than fixed-time: ratio ${peakRatio.toFixed(2)}  ${verdict(peakRatio <= 1)}`);
}

main();
