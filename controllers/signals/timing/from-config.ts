import type { IntersectionConfig } from '../config.ts';
import type { TimingPlan as ControllerTimingPlan } from '../types.ts';
import type { PhaseTiming, TimingLayout, TimingPlan } from './types.ts';

const s = (ms: number) => ms / 1000;

/**
 * Timing view of a validated intersection config. Phases with ped timing get a minimum green of
 * walk + ped clearance, since a pretimed plan serves the ped interval every cycle (MUTCD 4E.06:
 * the flashing don't walk ends before the yellow).
 */
export function timingLayoutFromConfig(cfg: IntersectionConfig): TimingLayout {
  const groups = new Map(cfg.signalGroups.map((g) => [`${g.phase}:${g.kind}`, g]));
  const phases: PhaseTiming[] = cfg.phases
    .filter((p) => p.timed)
    .map((p) => {
      const ped =
        p.pedWalkMs !== undefined
          ? {
              signalGroup: groups.get(`${p.id}:ped`)?.name ?? `${p.name}-ped`,
              walkS: s(p.pedWalkMs),
              clearanceS: s(p.pedClearanceMs ?? 0),
            }
          : undefined;
      const pedMin = ped ? ped.walkS + ped.clearanceS : 0;
      return {
        id: p.id,
        signalGroup: p.name,
        minGreenS: Math.max(s(p.minGreenMs), pedMin),
        maxGreenS: s(p.maxGreenBoundsMs[1]),
        yellowS: s(p.yellowMs),
        allRedS: s(p.redClearanceMs),
        arrow: groups.get(`${p.id}:vehicle`)?.display === 'arrow',
        ...(ped ? { ped } : {}),
      };
    });
  const fya = cfg.phases
    .filter((p) => p.opposingThroughPhase !== undefined && groups.get(`${p.id}:vehicle`)?.display === 'fya')
    .map((p) => ({ signalGroup: p.name, opposingPhase: p.opposingThroughPhase! }));
  return { phases, rings: cfg.rings, barriers: cfg.barriers, ...(fya.length > 0 ? { fya } : {}) };
}

/**
 * Converts a split plan into the controller's plan: max green per phase = planned green ×
 * `factor`, clamped to the phase's configured retiming bounds. A factor above 1 leaves the
 * actuated controller room to extend under random arrivals (ITE practice: max ≈ 1.25–1.5 × the
 * pretimed split green).
 */
export function toControllerPlan(
  cfg: IntersectionConfig,
  plan: TimingPlan,
  factor = 1.25,
): ControllerTimingPlan {
  const maxGreenS: Record<number, number> = {};
  for (const p of cfg.phases) {
    const g = plan.greensS[p.id];
    if (g === undefined || !p.timed) continue;
    const [lo, hi] = p.maxGreenBoundsMs;
    maxGreenS[p.id] = Math.round(Math.min(s(hi), Math.max(s(lo), g * factor)) * 10) / 10;
  }
  return { id: `retime-${plan.cycleS}`, maxGreenS };
}
