import type { IntersectionConfig, PhasePlan } from '../../controllers/signals/config.ts';
import type { Crosswalk, LaneGroup, SimDetector, SimLane, SimLayout, Turn } from './types.ts';

export interface Geometry {
  /** HCM 2010 base saturation flow 1,900 pc/h/ln. */
  satFlowVphpl?: number;
  defaultSpeedKmh?: number;
  speedKmhByApproach?: Record<string, number>;
  /** Lanes per phase id when detectors do not tell (they give one lane per distinct `lane`). */
  lanesByPhase?: Record<number, number>;
  approachLengthM?: number;
  /** Count station distance upstream of the stop line (m), beyond typical queues. */
  countDistanceM?: number;
}

/** Presence loop 12 m (40 ft) at the stop bar; 1.8 m (6 ft) loops elsewhere (FHWA Traffic Detector Handbook). */
const STOP_BAR_LENGTH_M = 12;
const LOOP_LENGTH_M = 1.8;

/** The derived config keeps no speeds (only the yellow they produced): geometry supplies them. */
const speedOf = (p: PhasePlan, g: Required<Geometry>): number =>
  (g.speedKmhByApproach[p.approach ?? ''] ?? g.defaultSpeedKmh) / 3.6;

function lanesFor(cfg: IntersectionConfig, p: PhasePlan, speedMps: number, g: Required<Geometry>): SimLane[] {
  const checkouts = new Set(cfg.preemption.flatMap((e) => (e.checkOutDetector ? [e.checkOutDetector] : [])));
  const mine = cfg.detectors.filter(
    (d) =>
      d.kind !== 'pedButton' && !checkouts.has(d.id) && (d.calls.includes(p.id) || d.extends.includes(p.id)),
  );
  const laneNos = [...new Set(mine.map((d) => d.lane ?? 1))].sort((a, b) => a - b);
  const n = Math.max(g.lanesByPhase[p.id] ?? 1, laneNos.length);
  const lanes: SimLane[] = Array.from({ length: n }, () => ({ detectors: [] }));
  // Advance loop set back by passage time × speed, so a vehicle leaving it reaches the stop bar
  // before the passage timer expires (classic volume-density placement rule).
  const advanceM = Math.max(20, s(p.passageMs) * speedMps);
  mine.forEach((d) => {
    const lane = lanes[Math.max(0, laneNos.indexOf(d.lane ?? 1))]!;
    const det: SimDetector =
      d.kind === 'stopBar'
        ? { id: d.id, role: 'stopBar', lengthM: STOP_BAR_LENGTH_M, distanceM: 0 }
        : d.kind === 'advance'
          ? { id: d.id, role: 'advance', lengthM: LOOP_LENGTH_M, distanceM: advanceM }
          : { id: d.id, role: 'count', lengthM: LOOP_LENGTH_M, distanceM: g.countDistanceM };
    lane.detectors.push(det);
  });
  return lanes;
}

const s = (ms: number) => ms / 1000;

/** Turns each phase serves: its own movement, plus the approach's turns without their own phase. */
function turnsFor(cfg: IntersectionConfig, p: PhasePlan): Turn[] {
  const own = cfg.phases.filter((q) => q.approach === p.approach);
  const has = (t: Turn) => own.some((q) => q.movement === t);
  if (p.movement !== 'through') return [p.movement];
  return ['through', ...(['left', 'right'] as const).filter((t) => !has(t))];
}

/**
 * Microsimulation layout from a validated intersection config: one lane group per phase that has an
 * approach, lanes from the detectors' lane numbers, and a crosswalk per ped phase.
 */
export function layoutFromConfig(cfg: IntersectionConfig, geometry: Geometry = {}): SimLayout {
  const g: Required<Geometry> = {
    satFlowVphpl: 1900,
    defaultSpeedKmh: 50,
    speedKmhByApproach: {},
    lanesByPhase: {},
    approachLengthM: 250,
    countDistanceM: 150,
    ...geometry,
  };
  const withApproach = cfg.phases.filter((p) => p.approach !== undefined);
  const groupId = (p: PhasePlan) => `P${p.id}`;
  const laneGroups: LaneGroup[] = withApproach.map((p) => {
    const speedMps = speedOf(p, g);
    const opp =
      p.opposingThroughPhase !== undefined
        ? cfg.phases.find((q) => q.id === p.opposingThroughPhase)
        : undefined;
    return {
      id: groupId(p),
      approach: p.approach!,
      phase: p.id,
      signalGroup: p.name,
      turns: turnsFor(cfg, p),
      lanes: lanesFor(cfg, p, speedMps, g),
      satFlowVphpl: g.satFlowVphpl,
      opposing: opp ? [groupId(opp)] : [],
      speedMps,
      approachLengthM: g.approachLengthM,
    };
  });
  const crosswalks: Crosswalk[] = cfg.signalGroups
    .filter((sg) => sg.kind === 'ped')
    .map((sg) => ({
      id: `X${sg.phase}`,
      phase: sg.phase,
      signalGroup: sg.name,
      buttonIds: cfg.detectors
        .filter((d) => d.kind === 'pedButton' && d.calls.includes(sg.phase))
        .map((d) => d.id),
    }));
  return { laneGroups, crosswalks };
}
