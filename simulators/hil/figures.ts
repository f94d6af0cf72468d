/** Agent-side figures of a HIL run: per-phase ATSPM aggregates and reported-vs-lamp head checks. */
import type { Data } from '../../core/contract/index.ts';
import type { ReportedHeads } from './agent-link.ts';
import { type HeadWiring, LAMPS, type LampReader, lampOfReported, levelAt } from './lamps.ts';

export interface PhaseFigures {
  phase: number;
  cycles: number;
  meanGreenS: number;
  /** Arrivals on green / all arrivals (ATSPM Purdue coordination diagram). */
  arrivalsOnGreenShare: number;
  splitFailures: number;
  gapOuts: number;
  maxOuts: number;
  forceOffs: number;
  meanUtilisation: number;
}

type Acc = PhaseFigures & { aog: number; aor: number; greenSum: number; utilSum: number };

const emptyAcc = (phase: number): Acc => ({
  phase,
  cycles: 0,
  meanGreenS: 0,
  arrivalsOnGreenShare: 0,
  splitFailures: 0,
  gapOuts: 0,
  maxOuts: 0,
  forceOffs: 0,
  meanUtilisation: 0,
  aog: 0,
  aor: 0,
  greenSum: 0,
  utilSum: 0,
});

/** Sums the per-cycle measures the agent publishes on `…/signals/{id}/cycle`, per phase. */
export function phaseFigures(cycles: readonly Data<'cycle'>[]): PhaseFigures[] {
  const acc = new Map<number, Acc>();
  for (const c of cycles)
    for (const p of c.phases) {
      if (p.termination === 'skip') continue;
      const a = acc.get(p.phase) ?? emptyAcc(p.phase);
      a.cycles += 1;
      a.greenSum += p.greenS;
      a.utilSum += p.utilisation;
      a.aog += p.arrivalsOnGreen;
      a.aor += p.arrivalsOnRed;
      a.splitFailures += p.splitFailure ? 1 : 0;
      if (p.termination === 'gapOut') a.gapOuts += 1;
      else if (p.termination === 'maxOut') a.maxOuts += 1;
      else if (p.termination === 'forceOff') a.forceOffs += 1;
      acc.set(p.phase, a);
    }
  return [...acc.values()]
    .sort((x, y) => x.phase - y.phase)
    .map(({ aog, aor, greenSum, utilSum, ...f }) => ({
      ...f,
      meanGreenS: greenSum / f.cycles,
      meanUtilisation: utilSum / f.cycles,
      arrivalsOnGreenShare: aog + aor > 0 ? aog / (aog + aor) : 0,
    }));
}

export interface HeadsCheck {
  /** Heads messages received from the agent during the run. */
  published: number;
  /** Instants compared (the last message of each instant), and group displays compared. */
  instants: number;
  compared: number;
  mismatches: { atMs: number; group: string; reported: string; lamps: string[] }[];
}

/**
 * For every instant the agent reported its heads, the lamps on the wired outputs at the end of
 * that instant must be exactly the lamp the reported state lights.
 */
export function checkReportedHeads(
  reported: readonly ReportedHeads[],
  wiring: readonly HeadWiring[],
  gpio: LampReader,
  epochAtZeroMs: number,
): HeadsCheck {
  const lastPerInstant = new Map<number, ReportedHeads>();
  for (const r of reported) if (r.ts >= epochAtZeroMs) lastPerInstant.set(r.ts, r);
  const out: HeadsCheck = {
    published: reported.length,
    instants: lastPerInstant.size,
    compared: 0,
    mismatches: [],
  };
  for (const [ts, r] of lastPerInstant) {
    const atMs = ts - epochAtZeroMs;
    for (const w of wiring) {
      const head = r.groups[w.group];
      if (head === undefined) continue;
      const lamps = LAMPS.filter(
        (l) => w.lines[l] !== undefined && levelAt(gpio.history(w.lines[l]), atMs) === 1,
      );
      const want = lampOfReported(head);
      out.compared += 1;
      const same = want === null ? lamps.length === 0 : lamps.length === 1 && lamps[0] === want;
      if (!same) out.mismatches.push({ atMs, group: w.group, reported: head, lamps });
    }
  }
  return out;
}
