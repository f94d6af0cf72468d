/** Plain-text report of a HIL run, optionally beside the in-process reference on the same demand. */
import type { SimRecords } from '../traffic/records.ts';
import type { HilResult } from './run.ts';

const f1 = (x: number) => x.toFixed(1);
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function formatHilResult(r: HilResult, reference?: SimRecords): string {
  const rec = r.records;
  const a = r.agent;
  const lines = [
    `agent-in-the-loop: ${f1(r.simS)} s simulated in ${f1(r.wallMs / 1000)} s wall`,
    `  vehicles ${r.counts.departed}/${r.counts.generated} served, ${r.counts.inSystem} left in the network`,
    `  delay mean ${f1(rec.meanDelayS)} s, p95 ${f1(rec.p95DelayS)} s; stops ${pct(rec.stopRate)}; ` +
      `green utilisation ${pct(rec.greenUtilisation)}; max queue ${rec.maxQueueVeh} veh`,
  ];
  if (reference) {
    const ratio = reference.meanDelayS > 0 ? rec.meanDelayS / reference.meanDelayS : Number.NaN;
    lines.push(
      `in-process controller: delay mean ${f1(reference.meanDelayS)} s, p95 ${f1(reference.p95DelayS)} s; ` +
        `green utilisation ${pct(reference.greenUtilisation)} (agent/in-process delay ×${ratio.toFixed(2)})`,
    );
  }
  lines.push(
    `agent: lamp faults ${a.lampFaults.length}, conflicting greens ${a.greenConflicts.length}; ` +
      `heads published ${a.heads.published}, compared ${a.heads.compared}, mismatched ${a.heads.mismatches.length}`,
    `  lamps lagging the agent's controller: ${a.plant.lampLag.episodes} episodes, longest ` +
      `${f1(a.plant.lampLag.maxMs / 1000)} s, still open ${Object.keys(a.plant.lampLag.open).join(', ') || 'none'}`,
    `  head reads from lamps ${a.plant.headReads.gpio}, from the controller (unwired groups) ` +
      `${a.plant.headReads.inProcess}, faulted ${a.plant.headReads.fault}`,
    `  detector edges via GPIO ${a.plant.detectorEdges.gpio}, in-process ${a.plant.detectorEdges.inProcess}, ` +
      `dropped ${a.plant.detectorEdges.dropped}; commands ${JSON.stringify(a.plant.commands)}; ` +
      `agent errors ${JSON.stringify(a.errors)}`,
  );
  for (const fault of a.lampFaults.slice(0, 5))
    lines.push(`  lamp fault ${fault.group} at ${f1(fault.atMs / 1000)} s: ${fault.lit.join('+')} lit`);
  if (a.phases.length > 0) {
    lines.push('  phase cycles  green(s)  AoG   split-fail  gap/max/force  util');
    for (const p of a.phases)
      lines.push(
        `  ${String(p.phase).padStart(5)} ${String(p.cycles).padStart(6)} ${f1(p.meanGreenS).padStart(9)}` +
          `  ${pct(p.arrivalsOnGreenShare).padStart(4)} ${String(p.splitFailures).padStart(10)}` +
          `  ${`${p.gapOuts}/${p.maxOuts}/${p.forceOffs}`.padStart(13)}  ${pct(p.meanUtilisation)}`,
      );
  }
  return lines.join('\n');
}
