/**
 * Left-turn mode per cycle for protected-permissive (FYA) lefts, from the cycle just ended: the
 * opposing flow (vehicles over the opposing through's advance / count loops) and the left pocket's
 * queue (its stop-bar occupancy and whether its arrow maxed out). Pure: measures in, modes out.
 *
 * - `protected` (arrow only, no FYA) when the opposing flow leaves no gaps to filter through
 *   (≥ `protectedAbove` veh/h per opposing lane; permissive capacity is near zero above ~1,000);
 * - `permissive` (FYA only, the arrow phase skipped: its change interval saved) when the opposing
 *   flow is light, the pocket cleared — its arrow did not max out and its stop bar was occupied
 *   less than `queueOccupancy` of the cycle — and the ITE cross-product warrant for a protected
 *   left (left × opposing veh/h ≥ 50,000 with one opposing lane, 90,000 with two) is not met;
 * - otherwise `protected-permissive`.
 * Leading only: the ring order is the configured one (lagging lefts are not chosen).
 */
import type { IntersectionConfig, LeftTurnMode } from '../config.ts';
import type { CycleMeasures } from '../types.ts';

export interface LeftModeOptions {
  protectedAbove?: number;
  permissiveBelow?: number;
  queueOccupancy?: number;
}

const DEFAULTS = {
  protectedAbove: 1000,
  permissiveBelow: 300,
  queueOccupancy: 0.3,
  /** Left × opposing volume (veh/h)² above which a left needs its arrow: one / two+ opposing lanes. */
  crossProduct: [50_000, 90_000] as readonly [number, number],
};

/** Opposing flow per lane (veh/h) and lanes, from the loops that extend or call the phase, or undefined. */
function opposingFlow(
  config: IntersectionConfig,
  m: CycleMeasures,
  phase: number,
): { perLane: number; lanes: number; busy: boolean } | undefined {
  const loops = config.detectors.filter(
    (d) =>
      (d.kind === 'advance' || d.kind === 'count') && (d.extends.includes(phase) || d.calls.includes(phase)),
  );
  const spanS = (m.endMs - m.startMs) / 1000;
  if (loops.length === 0 || spanS <= 0) return undefined;
  const n = loops.reduce((s, d) => s + (m.detectors[d.id]?.count ?? 0), 0);
  // A queue standing over a loop counts as one vehicle: a busy loop or a maxed-out through is no light flow.
  const busy =
    (m.phases[phase]?.maxOuts ?? 0) > 0 || loops.some((d) => (m.detectors[d.id]?.occupancy ?? 0) >= 0.5);
  return { perLane: (n * 3600) / spanS / loops.length, lanes: loops.length, busy };
}

export function chooseLeftModes(
  config: IntersectionConfig,
  m: CycleMeasures,
  options: LeftModeOptions = {},
): Record<number, LeftTurnMode> {
  const o = { ...DEFAULTS, ...options };
  const out: Record<number, LeftTurnMode> = {};
  for (const p of config.phases) {
    if (!p.timed || p.leftTurnMode !== 'protected-permissive' || p.opposingThroughPhase === undefined)
      continue;
    const q = opposingFlow(config, m, p.opposingThroughPhase);
    // No opposing count: nothing to judge the gaps by, keep both.
    if (q === undefined) {
      out[p.id] = 'protected-permissive';
      continue;
    }
    const pocket = config.detectors.filter((d) => d.kind === 'stopBar' && d.calls.includes(p.id));
    const occ = Math.max(0, ...pocket.map((d) => m.detectors[d.id]?.occupancy ?? 0));
    const cleared = (m.phases[p.id]?.maxOuts ?? 0) === 0 && occ < o.queueOccupancy;
    // The protected-left warrant (ITE cross product): left volume × opposing volume.
    const spanH = (m.endMs - m.startMs) / 3_600_000;
    const lefts = pocket.reduce((s, d) => s + (m.detectors[d.id]?.count ?? 0), 0) / Math.max(spanH, 1e-9);
    const warrant = lefts * q.perLane * q.lanes >= o.crossProduct[q.lanes >= 2 ? 1 : 0];
    out[p.id] =
      q.perLane >= o.protectedAbove
        ? 'protected'
        : q.perLane < o.permissiveBelow && !q.busy && cleared && !warrant
          ? 'permissive'
          : 'protected-permissive';
  }
  return out;
}
