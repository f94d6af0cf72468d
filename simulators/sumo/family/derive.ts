/**
 * Controller config + `sumo:` mapping derived from a junction's geometry and speeds with ONE set
 * of defaults (`DEFAULTS`): nothing here knows which junction it is configuring. NEMA numbering:
 * major-road throughs 2/6 with their lefts 5/1, minor-road throughs 4/8 with lefts 7/3.
 */
import { ceilTenth, iteRedClearanceS } from '../../../controllers/signals/config-checks.ts';
import type { IntersectionConfigInput } from '../../../controllers/signals/config-schema.ts';
import type { NetLink, NetTls } from '../net.ts';
import { type JunctionSpec, type LegSpec, movements } from './geometry.ts';

/** The one set of defaults every family junction uses (written before any family run). */
export const DEFAULTS = {
  throughMinGreenS: 7,
  leftMinGreenS: 5,
  /** Stop-bar presence zones: the 1 s bridge step is the shortest gap the controller can see. */
  passageS: 1,
  /** Max green: base + per lane served, capped (more lanes carry a longer queue per cycle). */
  throughMaxBaseS: 20,
  throughMaxPerLaneS: 10,
  throughMaxCapS: 50,
  leftMaxBaseS: 10,
  leftMaxPerLaneS: 5,
  /** EV preemption (as the fixture junction). */
  preempt: { minDurationS: 3, dwellS: 6, preemptMinGreenS: 4 },
  detectionRangeM: 300,
} as const;

export type Compass = 'eastbound' | 'northbound' | 'westbound' | 'southbound';
const ABBR: Record<Compass, string> = {
  eastbound: 'EB',
  northbound: 'NB',
  westbound: 'WB',
  southbound: 'SB',
};

/** Travel direction of traffic entering from a leg (nearest compass heading). */
export function approachOf(leg: LegSpec): Compass {
  const heading = (((leg.angleDeg + 180) % 360) + 360) % 360;
  const names: Compass[] = ['eastbound', 'northbound', 'westbound', 'southbound'];
  return names[Math.round(heading / 90) % 4] as Compass;
}

interface Approach {
  readonly leg: LegSpec;
  readonly name: Compass;
  readonly abbr: string;
  readonly opposing?: LegSpec;
  readonly through: number;
  readonly left?: number;
  /** How the left is run: a pocket of one lane is protected-permissive, two lanes protected. */
  readonly leftMode?: 'protected' | 'protected-permissive' | 'permissive';
}

/** The major road is the pair of opposite legs with the most lanes (then the higher speed). */
function roads(j: JunctionSpec): { major: LegSpec[]; minor: LegSpec[] } {
  const opposite = (a: LegSpec) =>
    j.legs.find((b) => movements(j, a).some((m) => m.to === b && m.turn === 's'));
  const pairs = j.legs
    .map((a) => [a, opposite(a)] as const)
    .filter((p): p is readonly [LegSpec, LegSpec] => p[1] !== undefined);
  const score = ([a, b]: readonly [LegSpec, LegSpec]) => (a.lanes + b.lanes) * 1000 + a.speedKmh + b.speedKmh;
  const best = [...pairs].sort((x, y) => score(y) - score(x))[0];
  const major = best ? [best[0], best[1]] : [j.legs[0] as LegSpec];
  return { major, minor: j.legs.filter((l) => !major.includes(l)) };
}

function approaches(j: JunctionSpec): Approach[] {
  const { major, minor } = roads(j);
  const out: Approach[] = [];
  const place = (legs: LegSpec[], throughs: [number, number], lefts: [number, number]) => {
    // Phase 2 / 4 go to the eastbound / northbound-most leg so the numbering reads as on the fixture.
    const sorted = [...legs].sort((a, b) => order(approachOf(a)) - order(approachOf(b)));
    sorted.forEach((leg, k) => {
      const opposing = j.legs.find((b) => movements(j, leg).some((m) => m.to === b && m.turn === 's'));
      const oppApproach =
        opposing && j.legs.some((b) => movements(j, opposing).some((m) => m.to === b && m.turn === 's'));
      const hasLeft = movements(j, leg).some((m) => m.turn === 'l');
      const pocket = leg.pocket?.lanes ?? 0;
      // A left needs its own phase only when an opposing through crosses it; otherwise it runs with its through.
      const own = hasLeft && oppApproach;
      const leftMode = !own
        ? undefined
        : pocket >= 2
          ? 'protected'
          : pocket === 1
            ? 'protected-permissive'
            : 'permissive';
      const name = approachOf(leg);
      out.push({
        leg,
        name,
        abbr: ABBR[name],
        ...(opposing ? { opposing } : {}),
        through: throughs[k] as number,
        ...(own ? { left: lefts[k] as number, leftMode } : {}),
      });
    });
  };
  place(major, [2, 6], [5, 1]);
  place(minor, [4, 8], [7, 3]);
  return out;
}
const order = (c: Compass) => ({ eastbound: 0, northbound: 1, westbound: 2, southbound: 3 })[c];

/** Max green from the lanes a phase serves (one rule for every junction). */
const maxGreen = (lanes: number, left: boolean) =>
  left
    ? DEFAULTS.leftMaxBaseS + DEFAULTS.leftMaxPerLaneS * lanes
    : Math.min(DEFAULTS.throughMaxCapS, DEFAULTS.throughMaxBaseS + DEFAULTS.throughMaxPerLaneS * lanes);

/** ITE red clearance over the links a phase drives (right turns excluded), rounded up to 0.1 s. */
function redFor(links: readonly NetLink[], kmh: number): number {
  const w = Math.max(0, ...links.filter((l) => l.dir !== 'r' && l.dir !== 'R').map((l) => l.crossingM));
  return ceilTenth(iteRedClearanceS(w, kmh));
}

export type FamilyDoc = IntersectionConfigInput & { sumo: Record<string, unknown> };

/** Where the advance loop of an approach lane is (lane and distance to the stop line), from the net. */
export type AdvanceSite = (lane: string) => { lane: string; setbackM: number };

/** The intersection file (controller config + sumo: mapping) for a family junction. */
export function deriveIntersection(
  j: JunctionSpec,
  tls: NetTls,
  advanceAt?: AdvanceSite,
  tlsId = 'C',
): FamilyDoc {
  const aps = approaches(j);
  const linksFrom = (a: Approach) => tls.links.filter((l) => l.fromEdge === `${a.leg.id}_P`);
  const phases: Record<string, unknown>[] = [];
  const groups: Record<string, number[]> = {};
  const detectors: Record<string, unknown>[] = [];
  const sumoDetectors: Record<string, unknown[]> = {};
  for (const a of aps) {
    const links = linksFrom(a);
    const leftLinks = a.left !== undefined ? links.filter((l) => l.dir === 'l' || l.dir === 'L') : [];
    const thruLinks = links.filter((l) => !leftLinks.includes(l));
    const kmh = a.leg.speedKmh;
    const pocket = a.leg.pocket?.lanes ?? 0;
    const thName = `${a.abbr}-through`;
    const major = a.through === 2 || a.through === 6;
    phases.push({
      id: a.through,
      name: thName,
      approach: a.name,
      ...(major ? { recall: 'soft' } : {}),
      dualEntry: true,
      minGreenS: DEFAULTS.throughMinGreenS,
      passageS: DEFAULTS.passageS,
      maxGreenS: maxGreen(a.leg.lanes + (a.left === undefined ? pocket : 0), false),
      approachSpeedKmh: kmh,
      redClearanceS: redFor(thruLinks, kmh),
    });
    groups[thName] = thruLinks.map((l) => l.index);
    const stopLanes = [...new Set(thruLinks.map((l) => l.fromLane))];
    addStop(detectors, sumoDetectors, `${a.abbr.toLowerCase()}-stop`, a.through, stopLanes, a.abbr);
    if (a.left !== undefined) {
      const lName = `${a.abbr}-left`;
      const opp = aps.find((b) => b.leg === a.opposing);
      phases.push({
        id: a.left,
        name: lName,
        approach: a.name,
        movement: 'left',
        leftTurnMode: a.leftMode,
        ...(a.leftMode !== 'protected' && opp ? { opposingThroughPhase: opp.through } : {}),
        minGreenS: DEFAULTS.leftMinGreenS,
        passageS: DEFAULTS.passageS,
        maxGreenS: maxGreen(Math.max(1, pocket), true),
        approachSpeedKmh: kmh,
        redClearanceS: redFor(leftLinks, kmh),
      });
      groups[lName] = leftLinks.map((l) => l.index);
      if (a.leftMode !== 'permissive') {
        const lanes = [...new Set(leftLinks.map((l) => l.fromLane))];
        addStop(detectors, sumoDetectors, `${a.abbr.toLowerCase()}-left-stop`, a.left, lanes, a.abbr);
      }
    }
    // Advance loops on the through lanes: count stations (volumes for ATSPM) and, where the net says
    // how far upstream they sit, the through's gap detector (extension = travel time to the stop line).
    const thruLanes = [...new Set(thruLinks.filter((l) => l.dir === 's').map((l) => l.fromLane))];
    const loops = thruLanes.map((lane) => ({
      id: `adv_${lane}`,
      kind: 'loop',
      lane: advanceAt?.(lane).lane ?? lane,
    }));
    loops.forEach((loop, k) => {
      const id = `${a.abbr.toLowerCase()}-count-${k + 1}`;
      detectors.push({ id, kind: 'count', lane: k + 1, direction: a.abbr });
      sumoDetectors[id] = [loop];
    });
    if (advanceAt)
      loops.forEach((loop, k) => {
        const id = `${a.abbr.toLowerCase()}-adv-${k + 1}`;
        const setbackM = Math.floor(advanceAt(thruLanes[k] as string).setbackM);
        const through = [a.through];
        detectors.push({
          id,
          kind: 'advance',
          calls: through,
          extends: through,
          setbackM,
          direction: a.abbr,
        });
        sumoDetectors[id] = [loop];
      });
  }
  const timed = phases.filter((p) => p.leftTurnMode !== 'permissive').map((p) => p.id as number);
  const has = (id: number) => timed.includes(id);
  const rings = [[1, 2, 3, 4].filter(has), [5, 6, 7, 8].filter(has)].filter((r) => r.length);
  const barriers = [[1, 2, 5, 6].filter(has), [3, 4, 7, 8].filter(has)].filter((b) => b.length);
  const compatible: [number, number][] = [];
  for (const b of barriers)
    for (const x of b)
      for (const y of b)
        if (x < y && rings.findIndex((r) => r.includes(x)) !== rings.findIndex((r) => r.includes(y)))
          compatible.push([x, y]);
  const exitPhases = [2, 6].filter(has);
  const preemption = aps.map((a) => ({
    id: `ev-${a.abbr.toLowerCase()}`,
    approach: a.name,
    phases: [a.through, ...(a.left !== undefined && has(a.left) ? [a.left] : [])],
    exitPhases,
    ...DEFAULTS.preempt,
  }));
  return {
    id: `family-${j.name}`,
    name: j.description,
    signalId: 3000,
    phases: phases as IntersectionConfigInput['phases'],
    rings,
    barriers,
    compatible,
    detectors: detectors as IntersectionConfigInput['detectors'],
    preemption,
    startup: { flashS: 0, allRedS: 2 },
    sumo: {
      tls: tlsId,
      signalGroups: groups,
      detectors: sumoDetectors,
      approaches: Object.fromEntries(aps.map((a) => [`${a.leg.id}_P`, a.name])),
      emergency: { vClasses: ['emergency'], detectionRangeM: DEFAULTS.detectionRangeM },
    },
  };
}

/** One stop-bar presence detector per movement group, fed by the E2 zones on its lanes. */
function addStop(
  detectors: Record<string, unknown>[],
  sumo: Record<string, unknown[]>,
  id: string,
  phase: number,
  lanes: readonly string[],
  direction: string,
): void {
  if (!lanes.length) return;
  detectors.push({ id, kind: 'stopBar', calls: [phase], extends: [phase], direction });
  sumo[id] = lanes.map((lane) => ({ id: `e2_${lane}`, kind: 'zone', lane }));
}
