/**
 * Signals benchmark: Webster fixed-time vs. the real responsive controller on the built-in
 * microsimulator. Same layout, demand and seeds for every controller; figures are simulated delays
 * (s/veh), not wall-clock timings — the wall column only shows the simulator's speed.
 *
 *   npm run bench:signals            # 5 seeds × 1 simulated hour per scenario and controller
 *   SEEDS=10 npm run bench:signals
 *
 * Rows marked [...] are what-ifs that explain the results: [Max2] asks the controller for the
 * config's own alternate max greens (applyTiming({ useMax2 })); [passage 1.5/1 s] shortens the
 * example's passage times. Targets are judged on the unmodified example config only.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { SimulatedClock } from 'xstate';
import { parse as parseYaml } from 'yaml';
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
import { runSiteReport } from '../simulators/sumo/family/report.ts';
import { formatSiteTables, siteTargets } from '../simulators/sumo/family/report-format.ts';
import { type BenchRow, startBenchRecord } from './report.ts';

const SEEDS = Number(process.env.SEEDS ?? 5);
const DURATION_S = 3600;
const WARMUP_S = 300;
const CONFIG = new URL('../controllers/signals/examples/four-leg-protected.yaml', import.meta.url);

interface Variant {
  label: string;
  kind: 'fixed' | 'actuated';
  retime: boolean;
  cfg: IntersectionConfig;
  useMax2?: boolean;
}

interface Row {
  scenario: string;
  variant: Variant;
  runs: RunResult[];
  note: string;
  rejected: Record<string, number>;
}

function parse(raw: unknown): IntersectionConfig {
  const r = parseIntersectionConfig(raw);
  if (!r.ok) throw new Error(`config: ${r.error.message}`);
  return r.value;
}

function fixedPlant(v: Variant, layout: SimLayout, sc: Scenario, row: Row) {
  const tl = timingLayoutFromConfig(v.cfg);
  // Webster on the scenario's own demand: the best a pretimed plan can do for it.
  const w = websterPlan(tl, flowRatiosFromDemand(layout, sc.demand), { minCycleS: 40, maxCycleS: 150 });
  if (!w.ok) throw new Error(`webster: ${w.error.message}`);
  row.note = `C=${w.value.plan.cycleS}s`;
  return (clock: SimulatedClock) => fixedTimePlant(tl, w.value.plan, clock);
}

function actuatedPlant(v: Variant, row: Row) {
  return (clock: SimulatedClock): SignalPlant => {
    const ctl = createIntersectionController(v.cfg, { clock });
    const p = controllerPlant(ctl);
    const adaptive = v.retime ? createAdaptiveTiming(v.cfg) : undefined;
    if (v.useMax2 && !ctl.applyTiming({ useMax2: true }).ok) throw new Error('useMax2 rejected');
    ctl.onCycle((m) => {
      const d = adaptive?.cycle(m.endMs, m.phases);
      if (d && !ctl.applyTiming(d.controllerPlan).ok)
        row.rejected.applyTiming = (row.rejected.applyTiming ?? 0) + 1;
    });
    ctl.onAlarm((a) => {
      if (a.kind === 'detectorStuckOn') row.rejected.stuckOnAlarms = (row.rejected.stuckOnAlarms ?? 0) + 1;
    });
    return {
      ...p,
      detector: (id, on) => {
        adaptive?.edge(id, on, clock.now());
        p.detector(id, on);
      },
      stop: () => {
        p.stop();
        for (const [k, n] of Object.entries(p.rejected())) row.rejected[k] = (row.rejected[k] ?? 0) + n;
      },
    };
  };
}

function runRow(v: Variant, layout: SimLayout, sc: Scenario): Row {
  const row: Row = { scenario: sc.name, variant: v, runs: [], note: '', rejected: {} };
  const make = v.kind === 'fixed' ? fixedPlant(v, layout, sc, row) : actuatedPlant(v, row);
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
  if (Object.keys(row.rejected).length > 0) row.note += ` ${JSON.stringify(row.rejected)}`;
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
      row.scenario.padEnd(12),
      row.variant.label.padEnd(29),
      f(meanDelay(row)),
      f(avg(row.runs.map((r) => r.records.p95DelayS))),
      f(avg(row.runs.map((r) => r.records.stopRate)), 2),
      f(avg(row.runs.map((r) => r.records.greenUtilisation)), 2),
      ev.length > 0 ? f(avg(ev)) : '      -',
      ev.length > 0 ? f(Math.max(...ev)) : '      -',
      String(row.runs.reduce((s, r) => s + r.records.vehicles, 0)).padStart(6),
      String(row.runs.reduce((s, r) => s + r.counts.inSystem, 0)).padStart(5),
      f(avg(row.runs.map((r) => r.wallMs)), 0),
      row.note,
    ].join(' '),
  );
}

async function main(): Promise<void> {
  const record = startBenchRecord('signals');
  const raw = parseYaml(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
  const asIs = parse(raw);
  const phases = raw.phases as { movement?: string; passageS: number }[];
  const shortPassage = parse({
    ...raw,
    phases: phases.map((p) => ({ ...p, passageS: p.movement === 'left' ? 1 : 1.5 })),
  });
  const variants: Variant[] = [
    { label: 'webster-fixed', kind: 'fixed', retime: false, cfg: asIs },
    { label: 'responsive', kind: 'actuated', retime: false, cfg: asIs },
    { label: 'responsive+retime', kind: 'actuated', retime: true, cfg: asIs },
    { label: 'responsive [Max2]', kind: 'actuated', retime: false, cfg: asIs, useMax2: true },
    { label: 'responsive [passage 1.5/1 s]', kind: 'actuated', retime: false, cfg: shortPassage },
  ];
  const layout = layoutFromConfig(asIs, {
    speedKmhByApproach: { eastbound: 60, westbound: 60, northbound: 50, southbound: 50 },
  });
  const approaches = ['eastbound', 'northbound', 'westbound', 'southbound'];
  const scenarios = [
    OFF_PEAK,
    PEAK,
    UNBALANCED,
    evScenario(OFF_PEAK, approaches, DURATION_S),
    evScenario(PEAK, approaches, DURATION_S),
    // Same EVs, but queued traffic does not make way: the EV waits behind its lane's queue.
    evScenario(PEAK, approaches, DURATION_S, false),
  ];
  console.log(
    `signals bench — ${asIs.id} (four-leg protected), ${SEEDS} seeds × 1 h per row, warm-up ${WARMUP_S} s`,
  );
  console.log(
    'delays in s/veh (stop-line crossing − free-flow crossing); unsrv = vehicles left after a 900 s drain',
  );
  console.log(
    'EV: 8 emergency vehicles per hour, priority requested 600 m (40 s) out; traffic makes way except in +EV/q',
  );
  console.log(
    'scenario     controller                     mean_d   p95_d   stops  g_util  EV_avg  EV_max    veh unsrv wall_ms note',
  );
  const rows = new Map<string, Row>();
  for (const sc of scenarios) {
    for (const v of variants) {
      const row = runRow(v, layout, sc);
      rows.set(`${sc.name}/${v.label}`, row);
      printRow(row);
    }
  }
  const saved = [...targets(rows, 'responsive'), ...targets(rows, 'responsive+retime')];
  const sumo = await sumoRows();
  record.save(
    [...saved, ...sumo.rows],
    [
      `built-in microsimulator, ${asIs.id}, ${SEEDS} seeds × 1 h per row; delays are simulated, not wall-clock`,
      sumo.note,
    ],
  );
}

/**
 * SUMO part: every junction (fixture + held-out family) × demand beside SUMO's static, actuated and
 * delay_based programs in the same run (`cityedge sim sumo report`). SUMO_SEEDS (3), SUMO_DURATION
 * (1800 s), SUMO_SITES (all) shorten it; SUMO_SITES=none skips it.
 */
async function sumoRows(): Promise<{ rows: BenchRow[]; note: string }> {
  const sites = process.env.SUMO_SITES?.split(',').filter(Boolean);
  if (sites?.includes('none')) return { rows: [], note: 'SUMO part skipped (SUMO_SITES=none)' };
  const seeds = Number(process.env.SUMO_SEEDS ?? 3);
  const durationS = Number(process.env.SUMO_DURATION ?? 1800);
  const started = Date.now();
  const result = await runSiteReport({
    durationS,
    seeds,
    ...(sites ? { sites } : {}),
    log: (l) => console.error(l),
  });
  console.log(
    `\nSUMO: ${durationS} s demand, ${seeds} seeds per row, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(formatSiteTables(result));
  const command = `SUMO_SEEDS=${seeds} SUMO_DURATION=${durationS} npm run bench:signals (or npm run sim -- sumo report)`;
  const rows = siteTargets(result).map((t) => ({
    metric: `SUMO ${t.site}${result.find((r) => r.site === t.site)?.heldOut ? ' (held-out)' : ' (fixture)'} ${t.demand}: ${t.name}`,
    target: Number.isNaN(t.target) ? '' : `≤ ${t.target}`,
    value: t.measured,
    peer: 'SUMO static / actuated / delay_based, same nets, demand and seeds',
    met: t.met ?? null,
    command,
  }));
  return {
    rows,
    note: `SUMO part: ${seeds} seeds × ${durationS} s, ${((Date.now() - started) / 1000).toFixed(0)} s wall`,
  };
}

function targets(rows: Map<string, Row>, label: string): BenchRow[] {
  const get = (s: string, l: string) => rows.get(`${s}/${l}`)!;
  const fixed = 'webster-fixed';
  const offCut = 1 - meanDelay(get('off-peak', label)) / meanDelay(get('off-peak', fixed));
  const evAll = [...evDelays(get('off-peak+EV', label)), ...evDelays(get('peak+EV', label))];
  const peakRatio = meanDelay(get('peak', label)) / meanDelay(get('peak', fixed));
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log(`\ntargets — ${label} vs ${fixed} (same demand and seeds):`);
  console.log(
    `  off-peak mean delay ≥ 41% lower: ${(offCut * 100).toFixed(1)}% lower  ${verdict(offCut >= 0.41)}`,
  );
  console.log(
    `  EV delay at the intersection ≤ 5 s: max ${Math.max(...evAll).toFixed(1)} s, mean ${avg(evAll).toFixed(1)} s over ${evAll.length} EVs  ${verdict(Math.max(...evAll) <= 5)}`,
  );
  console.log(
    `  peak no worse than fixed-time: delay ratio ${peakRatio.toFixed(2)}  ${verdict(peakRatio <= 1)}`,
  );
  const d = (s: string, l: string) => `${meanDelay(get(s, l)).toFixed(1)} s/veh`;
  const fixedEv = [...evDelays(get('off-peak+EV', fixed)), ...evDelays(get('peak+EV', fixed))];
  const command = `SEEDS=${SEEDS} npm run bench:signals`;
  return [
    {
      metric: `microsim off-peak mean delay, ${label}`,
      target: '≥ 41% below fixed-time',
      value: `${d('off-peak', label)} (${(-offCut * 100).toFixed(0)}%)`,
      peer: `Webster fixed-time ${d('off-peak', fixed)}`,
      met: offCut >= 0.41,
      command,
    },
    {
      metric: `microsim peak mean delay, ${label}`,
      target: 'no worse than fixed-time',
      value: `${d('peak', label)} (×${peakRatio.toFixed(2)})`,
      peer: `Webster fixed-time ${d('peak', fixed)}`,
      met: peakRatio <= 1,
      command,
    },
    {
      metric: `microsim EV delay at the junction, ${label} (${evAll.length} EVs)`,
      target: '≤ 5 s',
      value: `max ${Math.max(...evAll).toFixed(1)} s, mean ${avg(evAll).toFixed(1)} s`,
      peer: `fixed-time max ${Math.max(...fixedEv).toFixed(1)} s, mean ${avg(fixedEv).toFixed(1)} s`,
      met: Math.max(...evAll) <= 5,
      command,
    },
    {
      metric: `microsim EV delay when queued traffic does not make way (peak+EV/q), ${label}`,
      target: '',
      value: `max ${Math.max(...evDelays(get('peak+EV/q', label))).toFixed(1)} s, mean ${avg(evDelays(get('peak+EV/q', label))).toFixed(1)} s`,
      peer: `fixed-time mean ${avg(evDelays(get('peak+EV/q', fixed))).toFixed(1)} s`,
      met: null,
      command,
    },
  ];
}

await main();
