/** Report rows, the side-by-side table and the target checks (pure, unit-tested). */
import { type Trip, type TripSummary, meanDelayFrom, summarize } from './metrics.ts';

export type RunKind = 'sumo-static' | 'sumo-actuated' | 'cityedge' | 'cityedge-no-priority';

export interface ReportRow {
  readonly scenario: string;
  readonly kind: RunKind;
  readonly summary: TripSummary;
  readonly teleports: number;
  /** Mean delay of cross-street traffic (corridor only). */
  readonly crossDelayS?: number;
}

export function summarizeRow(
  scenario: string,
  kind: RunKind,
  trips: readonly Trip[],
  teleports: number,
  crossStreets?: ReadonlySet<string>,
): ReportRow {
  return {
    scenario,
    kind,
    summary: summarize(trips),
    teleports,
    ...(crossStreets ? { crossDelayS: meanDelayFrom(trips, crossStreets) } : {}),
  };
}

const f1 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
const pad = (s: string, n: number) => s.padStart(n);

export function formatTable(rows: readonly ReportRow[]): string {
  const head = `${'scenario'.padEnd(20)}${'controller'.padEnd(22)}${pad('veh', 6)}${pad('mean s', 8)}${pad('p95 s', 8)}${pad('halts', 7)}${pad('tele', 6)}${pad('EVs', 5)}${pad('EV trav', 9)}${pad('EV delay', 10)}${pad('EV halts', 10)}${pad('cross s', 9)}`;
  const lines = rows.map((r) => {
    const s = r.summary;
    return `${r.scenario.padEnd(20)}${r.kind.padEnd(22)}${pad(String(s.vehicles), 6)}${pad(f1(s.meanDelayS), 8)}${pad(f1(s.p95DelayS), 8)}${pad(s.haltsPerVehicle.toFixed(2), 7)}${pad(String(r.teleports), 6)}${pad(String(s.evCount), 5)}${pad(f1(s.evMeanTravelS), 9)}${pad(f1(s.evMeanDelayS), 10)}${pad(s.evCount ? s.evHaltsPerVehicle.toFixed(2) : '-', 10)}${pad(f1(r.crossDelayS), 9)}`;
  });
  return [head, '-'.repeat(head.length), ...lines].join('\n');
}

export interface TargetCheck {
  readonly name: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const pct = (a: number, b: number) => ((b - a) / b) * 100;

/** The assignment's targets, evaluated on the rows (undefined = not measurable from these rows). */
export function checkTargets(rows: readonly ReportRow[]): TargetCheck[] {
  const get = (scenario: string, kind: RunKind) =>
    rows.find((r) => r.scenario === scenario && r.kind === kind);
  const out: TargetCheck[] = [];
  const off = get('junction-offpeak', 'cityedge');
  const offStatic = get('junction-offpeak', 'sumo-static');
  const offAct = get('junction-offpeak', 'sumo-actuated');
  if (off && offStatic && offAct) {
    const vsStatic = pct(off.summary.meanDelayS, offStatic.summary.meanDelayS);
    const vsAct = pct(off.summary.meanDelayS, offAct.summary.meanDelayS);
    out.push({
      name: 'off-peak mean delay >= 50% below SUMO static',
      measured: `${vsStatic.toFixed(1)}% below`,
      met: vsStatic >= 50,
    });
    out.push({
      name: 'off-peak mean delay >= 15% below SUMO actuated',
      measured: `${vsAct.toFixed(1)}% below`,
      met: vsAct >= 15,
    });
  }
  const peak = get('junction-peak', 'cityedge');
  const peakAct = get('junction-peak', 'sumo-actuated');
  if (peak && peakAct) {
    const d = peak.summary.meanDelayS - peakAct.summary.meanDelayS;
    out.push({
      name: 'peak mean delay no worse than SUMO actuated',
      measured: `${f1(peak.summary.meanDelayS)} s vs ${f1(peakAct.summary.meanDelayS)} s (${d >= 0 ? '+' : ''}${d.toFixed(1)} s)`,
      met: d <= 0,
    });
  }
  const ev = get('junction-emergency', 'cityedge');
  if (ev) {
    out.push({
      name: 'EV delay at the junction <= 5 s (mean timeLoss)',
      measured: `${f1(ev.summary.evMeanDelayS)} s over ${ev.summary.evCount} EVs`,
      met: ev.summary.evMeanDelayS <= 5,
    });
  }
  const cor = get('corridor', 'cityedge');
  const corNo = get('corridor', 'cityedge-no-priority');
  if (cor && corNo) {
    const gain = pct(cor.summary.evMeanTravelS, corNo.summary.evMeanTravelS);
    out.push({
      name: 'corridor EV travel time >= 40% shorter than without priority',
      measured: `${f1(cor.summary.evMeanTravelS)} s vs ${f1(corNo.summary.evMeanTravelS)} s (${gain.toFixed(1)}% shorter)`,
      met: gain >= 40,
    });
    const floor = cor.summary.evMeanFreeFlowS;
    // The bound: with zero EV time loss the trip takes its free-flow time; priority can remove
    // at most (no-priority travel − free-flow travel).
    const possible = corNo.summary.evMeanTravelS - floor;
    const share = (corNo.summary.evMeanTravelS - cor.summary.evMeanTravelS) / possible;
    out.push({
      name: 'corridor EV travel-time reduction >= 80% of the free-flow bound',
      measured: `${f1(corNo.summary.evMeanTravelS - cor.summary.evMeanTravelS)} s of a possible ${f1(possible)} s = ${(share * 100).toFixed(1)}%`,
      met: share >= 0.8,
    });
    out.push({
      name: 'corridor EV travel time: best possible with zero EV delay (context)',
      measured: `${f1(floor)} s = at most ${pct(floor, corNo.summary.evMeanTravelS).toFixed(1)}% shorter than without priority`,
      met: undefined,
    });
    out.push({
      name: 'corridor cross-street delay with priority (reported)',
      measured: `${f1(cor.crossDelayS)} s vs ${f1(corNo.crossDelayS)} s without`,
      met: undefined,
    });
  }
  return out;
}

export function formatReport(rows: readonly ReportRow[]): string {
  const checks = checkTargets(rows).map(
    (c) => `  [${c.met === undefined ? 'info' : c.met ? 'MET' : 'NOT MET'}] ${c.name}: ${c.measured}`,
  );
  return `${formatTable(rows)}\n\nTargets:\n${checks.join('\n')}\n`;
}
