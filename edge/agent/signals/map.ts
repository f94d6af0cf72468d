/** Signal-controller shapes → contract payloads (the contract's enums are narrower). */
import type { Data } from '../../../core/contract/index.ts';
import type {
  ControllerMode,
  CycleMeasures,
  HeadState,
  SafetyAlarm,
  SpatState,
} from '../../../controllers/signals/index.ts';

type ContractHead = Data<'signalHeads'>['groups'][string];

/**
 * Controller head state → contract head state. Ped heads are reported as they are (MUTCD 4E: WALK,
 * flashing DON'T WALK, steady DON'T WALK), not folded into vehicle aspects: a control room must tell
 * a ped clearance from a vehicle flash. The table is total, so a new controller state fails to
 * compile here instead of leaking an unknown value onto the wire.
 */
const HEAD: Record<HeadState, ContractHead> = {
  red: 'red',
  yellow: 'yellow',
  green: 'green',
  greenArrow: 'greenArrow',
  flashingYellowArrow: 'flashingYellowArrow',
  yellowArrow: 'yellowArrow',
  // The contract has no red arrow: a red arrow stops the movement exactly as a red ball does.
  redArrow: 'red',
  flashingYellow: 'flashingYellow',
  flashingRed: 'flashingRed',
  dark: 'dark',
  walk: 'walk',
  flashingDontWalk: 'flashingDontWalk',
  dontWalk: 'dontWalk',
};

export function contractHead(h: HeadState): ContractHead {
  return HEAD[h];
}

export function contractMode(m: ControllerMode): Data<'signalHeads'>['mode'] {
  return m === 'manualHold' ? 'hold' : m;
}

export function spatData(s: SpatState): Data<'spat'> {
  return {
    mode: contractMode(s.mode),
    rings: s.rings.map((r) => ({
      ring: r.ring,
      phase: r.phase,
      interval: r.interval,
      minEndMs: r.minEndMs,
      maxEndMs: r.maxEndMs,
      timeToChangeMs: r.timeToChangeMs,
    })),
  };
}

const ALARM: Record<SafetyAlarm['kind'], Data<'signalAlarm'>['kind']> = {
  conflict: 'conflict',
  permissiveWithoutOpposing: 'conflict',
  yellowTrap: 'conflict',
  minGreen: 'minGreen',
  yellowShort: 'yellow',
  redClearanceShort: 'redClearance',
  detectorStuckOn: 'detectorFault',
  detectorChatter: 'detectorFault',
  detectorSilent: 'detectorFault',
  detectorRecovered: 'reset',
};

export function alarmData(a: SafetyAlarm): Data<'signalAlarm'> {
  return {
    kind: ALARM[a.kind],
    detail: `${a.kind}: ${a.message}`.slice(0, 500),
    latched: a.latched,
    ...(a.phases?.[0] === undefined ? {} : { phase: a.phases[0] }),
    ...(a.detectorId ? { detector: a.detectorId.slice(0, 64) } : {}),
  };
}

export function cycleData(m: CycleMeasures, toEpoch: (ms: number) => number): Data<'cycle'> {
  return {
    cycle: m.cycle,
    startTs: toEpoch(m.startMs),
    lengthS: Math.max(0, (m.endMs - m.startMs) / 1000),
    phases: Object.entries(m.phases).map(([id, p]) => ({
      phase: Number(id),
      greenS: p.greenMs / 1000,
      termination:
        p.greenMs === 0 ? 'skip' : p.maxOuts > 0 ? 'maxOut' : p.forceOffs > 0 ? 'forceOff' : 'gapOut',
      arrivalsOnGreen: p.arrivalsOnGreen,
      arrivalsOnRed: p.arrivalsOnRed,
      splitFailure: p.splitFailure,
      utilisation: Math.min(1, Math.max(0, p.greenUtilisation)),
      redLightViolations: p.redLightViolations,
    })),
    preemptions: m.preemptions.map((p) => ({
      vehicleId: p.vehicleId.slice(0, 64),
      durationS: p.durationMs / 1000,
    })),
  };
}
