/**
 * The controller half of `cityedge signals check FILE` (registered in `cli/signals.ts`, which adds
 * the `sumo:` section): validate an intersection file and print the derived plan.
 * Exit code 1 with one `field: message` line per problem on a bad file.
 */
import { timingBounds } from './apply-timing.ts';
import { type IntersectionConfig, loadIntersectionConfig } from './config.ts';
import { preemptFloorMs, worstCaseEntryMs } from './priority/plan.ts';

export interface CheckOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The command's logic, separated from process I/O so it is testable. */
export async function checkFile(file: string, json: boolean): Promise<CheckOutput> {
  const r = await loadIntersectionConfig(file);
  if (!r.ok) {
    const lines = r.error.issues?.map((i) => `  ${i.path}: ${i.message}`) ?? [`  ${r.error.message}`];
    const stderr = json
      ? `${JSON.stringify({ ok: false, error: r.error }, null, 2)}\n`
      : `${file}: ${r.error.code}\n${lines.join('\n')}\n`;
    return { exitCode: 1, stdout: '', stderr };
  }
  const stdout = json ? `${JSON.stringify({ ok: true, plan: r.value }, null, 2)}\n` : describePlan(r.value);
  return { exitCode: 0, stdout, stderr: '' };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function describePlan(c: IntersectionConfig): string {
  const out: string[] = [`${c.id}${c.name ? ` (${c.name})` : ''} — signal ${c.signalId}: OK`];
  out.push(
    `rings: ${c.rings.map((r) => r.join('-')).join(' | ')}; barriers: ${c.barriers.map((b) => b.join(',')).join(' ‖ ')}`,
  );
  out.push('phase name            min  pass  max1  max2  yellow      red   walk  pedclr recall  left');
  for (const p of c.phases) {
    out.push(
      [
        String(p.id).padStart(5),
        p.name.padEnd(14),
        s(p.minGreenMs).padStart(5),
        s(p.passageMs).padStart(5),
        s(p.maxGreenMs).padStart(5),
        (p.maxGreen2Ms ? s(p.maxGreen2Ms) : '-').padStart(5),
        `${s(p.yellowMs)}${p.yellowSource === 'ite' ? '(ITE)' : ''}`.padStart(11),
        s(p.redClearanceMs).padStart(5),
        (p.pedWalkMs ? s(p.pedWalkMs) : '-').padStart(6),
        (p.pedClearanceMs ? s(p.pedClearanceMs) : '-').padStart(6),
        p.recall.padStart(6),
        ` ${p.leftTurnMode ?? ''}${p.timed ? '' : ' (not timed)'}`,
      ].join(' '),
    );
  }
  const pairs = Object.entries(c.compatibility).map(([a, bs]) => `${a}:[${bs.join(',')}]`);
  out.push(`compatible: ${pairs.join(' ')}`);
  out.push(
    `detectors: ${c.detectors.map((d) => `${d.id}(${d.kind}→${d.calls.join(',') || '-'})`).join(' ')}`,
  );
  for (const p of c.preemption)
    out.push(
      `preempt ${p.id}: ${p.approach} dwell [${p.phases}] exit [${p.exitPhases}] dwell≥${s(p.dwellMs)} maxPresence ${s(p.maxPresenceMs)}`,
    );
  out.push(
    `EV worst-case entry: ${s(worstCaseEntryMs(c, preemptFloorMs(c)))} (preempt minimum), signal groups: ${c.signalGroups.map((g) => g.name).join(', ')}`,
  );
  out.push(
    `retiming bounds: ${timingBounds(c)
      .map((b) => `${b.phase}:[${b.maxGreenBoundsS.join('–')}]s`)
      .join(' ')}`,
  );
  return `${out.join('\n')}\n`;
}
