/**
 * Demands for the family junctions, sized from each junction's own capacity so "peak" means the
 * same thing everywhere: critical v/c X_c = Y·C/(C − L) ≈ 0.9 (HCM critical-movement analysis) at
 * the 90 s cycle of SUMO's static program, L = yellow + red of the critical phases.
 */
import type { Demand, EmergencyTrip, Flow } from '../scenarios/demand.ts';
import { type JunctionSpec, type LegSpec, type Turn, movements } from './geometry.ts';

export type FamilyDemandName = 'offpeak' | 'peak' | 'unbalanced' | 'emergency';
export const FAMILY_DEMANDS: readonly FamilyDemandName[] = ['offpeak', 'peak', 'unbalanced', 'emergency'];

/** Saturation flow per lane, veh/h (HCM base 1900 less a little for the short links). */
export const SAT_FLOW = 1800;
export const REFERENCE_CYCLE_S = 90;
export const PEAK_XC = 0.9;
/** Turning shares, renormalised over the movements an approach has. */
const SHARE: Record<Turn, number> = { r: 0.15, s: 0.7, l: 0.15 };

export interface CriticalInput {
  /** Phases with separate lefts (own phase) per leg id. */
  readonly ownLeft: ReadonlySet<string>;
  readonly majorLegs: ReadonlySet<string>;
  /** Lost time per phase change (yellow + red), s. */
  readonly lostPerPhaseS: number;
}

function shares(j: JunctionSpec, leg: LegSpec): { turn: Turn; to: LegSpec; share: number }[] {
  const ms = movements(j, leg);
  const total = ms.reduce((a, m) => a + SHARE[m.turn], 0);
  return ms.map((m) => ({ ...m, share: SHARE[m.turn] / total }));
}

/** Relative approach weights: lanes, major road full, minor road 0.6. */
const weight = (leg: LegSpec, major: boolean) =>
  (leg.lanes + 0.5 * (leg.pocket?.lanes ?? 0)) * (major ? 1 : 0.6);

/** Critical flow ratio sum Y and the number of critical phases for approach volumes `v`. */
export function criticalY(
  j: JunctionSpec,
  c: CriticalInput,
  v: (leg: LegSpec) => number,
): { y: number; phases: number } {
  const groups = (legs: LegSpec[]) =>
    legs.map((leg) => {
      const ms = shares(j, leg);
      const left = ms.filter((m) => m.turn === 'l').reduce((a, m) => a + m.share, 0);
      const own = c.ownLeft.has(leg.id);
      const p = leg.pocket?.lanes ?? 0;
      const yThrough = (v(leg) * (own ? 1 - left : 1)) / (SAT_FLOW * (leg.lanes + (own ? 0 : p)));
      const yLeft = own ? (v(leg) * left) / (SAT_FLOW * Math.max(1, p)) : 0;
      return { yThrough, yLeft, own };
    });
  let y = 0;
  let phases = 0;
  for (const legs of [
    j.legs.filter((l) => c.majorLegs.has(l.id)),
    j.legs.filter((l) => !c.majorLegs.has(l.id)),
  ]) {
    if (!legs.length) continue;
    const g = groups(legs);
    // Dual ring: ring A = left of one approach + through of the other, and vice versa.
    const a = (g[0]?.yThrough ?? 0) + (g[1]?.yLeft ?? 0);
    const b = (g[1]?.yThrough ?? 0) + (g[0]?.yLeft ?? 0);
    y += Math.max(a, b);
    phases += 1 + (g.some((x) => x.own) ? 1 : 0);
  }
  return { y, phases };
}

/** Volume scale k (veh/h per unit weight) that puts the critical v/c at PEAK_XC. */
export function peakScale(j: JunctionSpec, c: CriticalInput): number {
  const unit = criticalY(j, c, (leg) => weight(leg, c.majorLegs.has(leg.id)));
  const lost = unit.phases * c.lostPerPhaseS;
  const targetY = (PEAK_XC * (REFERENCE_CYCLE_S - lost)) / REFERENCE_CYCLE_S;
  return targetY / unit.y;
}

const SEED_BASE: Record<FamilyDemandName, number> = {
  offpeak: 101,
  peak: 211,
  unbalanced: 307,
  emergency: 401,
};

/** One demand of one family junction (flows from `<leg>_in` to `C_<leg>`, EVs every 240 s). */
export function familyDemand(
  j: JunctionSpec,
  c: CriticalInput,
  name: FamilyDemandName,
  durationS = 1800,
): Demand {
  const k = peakScale(j, c);
  const factor = (leg: LegSpec): number => {
    const major = c.majorLegs.has(leg.id);
    if (name === 'offpeak') return 0.35;
    if (name === 'unbalanced') return major ? 1 : 0.25;
    if (name === 'emergency') return 0.6;
    return 1;
  };
  const flows: Flow[] = j.legs.flatMap((leg) =>
    shares(j, leg).map((m) => ({
      from: `${leg.id}_in`,
      to: `C_${m.to.id}`,
      vehPerHour: Math.round(k * weight(leg, c.majorLegs.has(leg.id)) * factor(leg) * m.share),
    })),
  );
  const emergency: EmergencyTrip[] = [];
  if (name === 'emergency') {
    const n = Math.max(0, Math.ceil((durationS - 200) / 240));
    for (let i = 0; i < n; i++) {
      const leg = j.legs[i % j.legs.length] as LegSpec;
      const ms = movements(j, leg);
      // alternate straight-on and turning EVs where the approach has both
      const want: Turn = Math.floor(i / j.legs.length) % 2 === 0 ? 's' : 'l';
      const m = ms.find((x) => x.turn === want) ?? ms.find((x) => x.turn === 's') ?? ms[0];
      if (m)
        emergency.push({ id: `ev${i}`, departS: 200 + i * 240, from: `${leg.id}_in`, to: `C_${m.to.id}` });
    }
  }
  const hash = [...j.name].reduce((a, ch) => a + ch.charCodeAt(0), 0);
  return { name: `${j.name}-${name}`, durationS, seed: SEED_BASE[name] + hash, flows, emergency };
}
