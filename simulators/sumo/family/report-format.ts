/** Per-junction tables and the issue-11 targets for `runSiteReport` rows (pure, unit-tested). */
import type { FamilyDemandName } from './demand.ts';
import type { SiteRow } from './report.ts';

/** ours ≤ ratio × the better of SUMO actuated and delay_based (issue 11). */
export const DELAY_RATIO_TARGET: Partial<Record<FamilyDemandName, number>> = {
  offpeak: 0.75,
  peak: 0.95,
  unbalanced: 0.85,
};
export const APPROACH_RATIO_TARGET = 1.5;
export const EV_DELAY_TARGET_S = 5;

export interface SiteTarget {
  readonly site: string;
  readonly demand: FamilyDemandName;
  readonly name: string;
  readonly measured: string;
  readonly met: boolean | undefined;
  /** The figure compared with the target (for bench rows). */
  readonly value: number;
  readonly target: number;
}

const f1 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
const f2 = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(2));

export function siteTargets(rows: readonly SiteRow[]): SiteTarget[] {
  const out: SiteTarget[] = [];
  const keys = [...new Set(rows.map((r) => `${r.site}|${r.demand}`))];
  for (const key of keys) {
    const [site = '', demand] = key.split('|') as [string, FamilyDemandName];
    const of = (k: SiteRow['kind']) =>
      rows.find((r) => r.site === site && r.demand === demand && r.kind === k);
    for (const oursKind of ['cityedge', 'cityedge+sat'] as const) {
      const ours = of(oursKind);
      if (!ours) continue;
      const who = oursKind === 'cityedge' ? '' : '[+sat] ';
      const adaptive = [of('sumo-actuated'), of('sumo-delay_based')].filter(
        (r): r is SiteRow => r !== undefined,
      );
      const sumo = [of('sumo-static'), ...adaptive].filter((r): r is SiteRow => r !== undefined);
      const add = (t: Omit<SiteTarget, 'site' | 'demand'>) =>
        out.push({ site, demand, ...t, name: `${who}${t.name}` });
      const ratioTarget = DELAY_RATIO_TARGET[demand];
      const best = Math.min(...adaptive.map((r) => r.summary.meanDelayS));
      if (adaptive.length) {
        const ratio = ours.summary.meanDelayS / best;
        add({
          name: `mean delay ≤ ${ratioTarget ?? '-'} × better of actuated / delay_based`,
          measured: `${f1(ours.summary.meanDelayS)} vs ${f1(best)} s = ${f2(ratio)}×`,
          met: ratioTarget === undefined ? undefined : ratio <= ratioTarget,
          value: ratio,
          target: ratioTarget ?? Number.NaN,
        });
      }
      let worst = { label: '-', ratio: 0 };
      for (const [label, d] of Object.entries(ours.approaches)) {
        const b = Math.min(...sumo.map((r) => r.approaches[label] ?? Number.POSITIVE_INFINITY));
        const ratio = d / b;
        if (ratio > worst.ratio) worst = { label, ratio };
      }
      if (sumo.length)
        add({
          name: `every approach ≤ ${APPROACH_RATIO_TARGET} × the best SUMO program's`,
          measured: `worst ${worst.label}: ${f1(ours.approaches[worst.label])} s = ${f2(worst.ratio)}× best SUMO`,
          met: worst.ratio <= APPROACH_RATIO_TARGET,
          value: worst.ratio,
          target: APPROACH_RATIO_TARGET,
        });
      if (demand === 'emergency')
        add({
          name: `EV delay ≤ ${EV_DELAY_TARGET_S} s`,
          measured: `${f1(ours.summary.evMeanDelayS)} s over ${ours.summary.evCount} EVs (no priority ${f1(of('cityedge-no-priority')?.summary.evMeanDelayS)} s)`,
          met: ours.summary.evMeanDelayS <= EV_DELAY_TARGET_S,
          value: ours.summary.evMeanDelayS,
          target: EV_DELAY_TARGET_S,
        });
      if (demand === 'emergency' && ours.evStopLineDelayS !== undefined)
        add({
          name: 'EV delay up to and across the stop line (what the signal acts on; the rest is lost behind traffic downstream)',
          measured: `${f1(ours.evStopLineDelayS)} s (no priority ${f1(of('cityedge-no-priority')?.evStopLineDelayS)} s)`,
          met: undefined,
          value: ours.evStopLineDelayS,
          target: EV_DELAY_TARGET_S,
        });
      const ce = rows.filter(
        (r) =>
          r.site === site &&
          r.demand === demand &&
          (r.kind === oursKind || (oursKind === 'cityedge' && r.kind === 'cityedge-no-priority')),
      );
      const bad = ce.reduce((a, r) => a + r.teleports + r.collisions + (r.monitorFaults ?? 0), 0);
      add({
        name: '0 teleports, 0 collisions, 0 monitor faults (CityEdge runs)',
        measured: ce.map((r) => `${r.teleports}/${r.collisions}/${r.monitorFaults ?? '-'}`).join(', '),
        met: bad === 0,
        value: bad,
        target: 0,
      });
    }
  }
  return out;
}

/** One markdown table per junction: rows demand × controller, per-approach delays beside. */
export function formatSiteTables(rows: readonly SiteRow[]): string {
  const out: string[] = [];
  const targets = siteTargets(rows);
  for (const site of [...new Set(rows.map((r) => r.site))]) {
    const rs = rows.filter((r) => r.site === site);
    const labels = [...new Set(rs.flatMap((r) => Object.keys(r.approaches)))].sort();
    out.push(
      `### ${site} (${rs[0]?.heldOut ? 'held-out: never tuned on' : 'fixture: settings were tuned here'})`,
      '',
    );
    out.push(
      `| demand | controller | veh | mean s | p95 s | ${labels.map((l) => `${l} s`).join(' | ')} | EV delay s | tele | coll | faults |`,
    );
    out.push(`|---|---|--:|--:|--:|${labels.map(() => '--:').join('|')}|--:|--:|--:|--:|`);
    for (const r of rs) {
      const s = r.summary;
      const ap = labels.map((l) => f1(r.approaches[l])).join(' | ');
      const mean =
        r.kind.startsWith('cityedge') && r.kind !== 'cityedge-no-priority'
          ? `**${f1(s.meanDelayS)}**`
          : f1(s.meanDelayS);
      out.push(
        `| ${r.demand} | ${r.kind} | ${s.vehicles} | ${mean} | ${f1(s.p95DelayS)} | ${ap} | ${s.evCount ? f1(s.evMeanDelayS) : '-'} | ${r.teleports} | ${r.collisions} | ${r.monitorFaults ?? '-'} |`,
      );
    }
    out.push('');
    for (const t of targets.filter((x) => x.site === site))
      out.push(
        `- ${t.demand}: ${t.name}: ${t.measured} — **${t.met === undefined ? 'info' : t.met ? 'met' : 'not met'}**`,
      );
    out.push('');
  }
  return out.join('\n');
}
