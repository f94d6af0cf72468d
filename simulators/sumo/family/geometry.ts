/**
 * A family of junctions of our own, described by their legs and written as plain SUMO XML
 * (nodes, edges, connections) for `netconvert`. Held out: the controller's defaults were written
 * before these existed and are never tuned on them (docs/sumo.md, "Junction family").
 */

export interface LegSpec {
  /** Leg id (node and edge prefix). */
  readonly id: string;
  /** Direction from the centre to the leg's far end, degrees counter-clockwise from east. */
  readonly angleDeg: number;
  readonly speedKmh: number;
  /** Lanes entering the junction that carry through (and right) traffic. */
  readonly lanes: number;
  /** Exclusive left-turn pocket at the stop line; absent = the left shares the leftmost lane. */
  readonly pocket?: { readonly lanes: number; readonly lengthM: number };
  /** Lanes leaving the junction on this leg. */
  readonly exitLanes: number;
}

export interface JunctionSpec {
  readonly name: string;
  readonly description: string;
  readonly legs: readonly LegSpec[];
}

/** Length of each leg from the far end to the stop line, m. */
export const LEG_M = 300;
/** The approach edge (`<leg>_P`) starts this far from the centre when there is no pocket. */
export const APPROACH_EDGE_M = 80;

export const FAMILY: readonly JunctionSpec[] = [
  {
    name: 'tee',
    description:
      'T-junction: 2-lane main road E-W, WB left pocket 50 m, 1-lane stem from the south with a 30 m left lane',
    legs: [
      { id: 'W', angleDeg: 180, speedKmh: 50, lanes: 2, exitLanes: 2 },
      { id: 'E', angleDeg: 0, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 50 }, exitLanes: 2 },
      { id: 'S', angleDeg: 270, speedKmh: 40, lanes: 1, pocket: { lanes: 1, lengthM: 30 }, exitLanes: 1 },
    ],
  },
  {
    name: 'minor',
    description:
      '4-leg: 2-lane 60 km/h main road with 35 m pockets, single-lane 40 km/h minor road with 20 m pockets',
    legs: [
      { id: 'W', angleDeg: 180, speedKmh: 60, lanes: 2, pocket: { lanes: 1, lengthM: 35 }, exitLanes: 2 },
      { id: 'E', angleDeg: 0, speedKmh: 60, lanes: 2, pocket: { lanes: 1, lengthM: 35 }, exitLanes: 2 },
      { id: 'N', angleDeg: 90, speedKmh: 40, lanes: 1, pocket: { lanes: 1, lengthM: 20 }, exitLanes: 1 },
      { id: 'S', angleDeg: 270, speedKmh: 40, lanes: 1, pocket: { lanes: 1, lengthM: 20 }, exitLanes: 1 },
    ],
  },
  {
    name: 'arterial',
    description:
      'wide arterial: 3 lanes + dual left pockets 110 m at 60 km/h, 2-lane cross street with a 50 m pocket',
    legs: [
      { id: 'W', angleDeg: 180, speedKmh: 60, lanes: 3, pocket: { lanes: 2, lengthM: 110 }, exitLanes: 3 },
      { id: 'E', angleDeg: 0, speedKmh: 60, lanes: 3, pocket: { lanes: 2, lengthM: 110 }, exitLanes: 3 },
      { id: 'N', angleDeg: 90, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 50 }, exitLanes: 2 },
      { id: 'S', angleDeg: 270, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 50 }, exitLanes: 2 },
    ],
  },
  {
    name: 'skew',
    description:
      'skewed 4-leg: the cross road meets the main road at 70°, 2 lanes + 45 m pockets everywhere, 50 km/h',
    legs: [
      { id: 'W', angleDeg: 180, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 45 }, exitLanes: 2 },
      { id: 'E', angleDeg: 0, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 45 }, exitLanes: 2 },
      { id: 'N', angleDeg: 70, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 45 }, exitLanes: 2 },
      { id: 'S', angleDeg: 250, speedKmh: 50, lanes: 2, pocket: { lanes: 1, lengthM: 45 }, exitLanes: 2 },
    ],
  },
];

export type Turn = 'r' | 's' | 'l';

/** Turn from leg `a` (entering) to leg `b` (leaving), right-hand traffic; undefined for a U-turn. */
export function turnOf(a: LegSpec, b: LegSpec): Turn | undefined {
  if (a.id === b.id) return undefined;
  const heading = a.angleDeg + 180;
  const d = ((((b.angleDeg - heading) % 360) + 540) % 360) - 180; // (-180, 180]
  if (Math.abs(d) < 45) return 's';
  return d > 0 ? 'l' : 'r';
}

/** Destination legs by turn for an approach. */
export function movements(j: JunctionSpec, a: LegSpec): { turn: Turn; to: LegSpec }[] {
  return j.legs.flatMap((b) => {
    const t = turnOf(a, b);
    return t ? [{ turn: t, to: b }] : [];
  });
}

const r1 = (x: number) => x.toFixed(1);
const at = (deg: number, m: number) => {
  const rad = (deg * Math.PI) / 180;
  return { x: r1(m * Math.cos(rad)), y: r1(m * Math.sin(rad)) };
};

export interface PlainXml {
  readonly nod: string;
  readonly edg: string;
  readonly con: string;
}

/** Plain XML for netconvert: far node, pocket/approach node and centre `C`; lane use per connection. */
export function plainXml(j: JunctionSpec): PlainXml {
  const nodes = ['  <node id="C" x="0.0" y="0.0" type="traffic_light"/>'];
  const edges: string[] = [];
  const cons: string[] = [];
  for (const leg of j.legs) {
    const far = at(leg.angleDeg, LEG_M);
    const mid = at(leg.angleDeg, leg.pocket ? leg.pocket.lengthM + 5 : APPROACH_EDGE_M);
    nodes.push(`  <node id="${leg.id}" x="${far.x}" y="${far.y}" type="priority"/>`);
    nodes.push(`  <node id="${leg.id}m" x="${mid.x}" y="${mid.y}" type="priority"/>`);
    const v = (leg.speedKmh / 3.6).toFixed(2);
    const p = leg.pocket?.lanes ?? 0;
    edges.push(
      `  <edge id="${leg.id}_in" from="${leg.id}" to="${leg.id}m" numLanes="${leg.lanes}" speed="${v}"/>`,
    );
    edges.push(
      `  <edge id="${leg.id}_P" from="${leg.id}m" to="C" numLanes="${leg.lanes + p}" speed="${v}"/>`,
    );
    edges.push(`  <edge id="C_${leg.id}" from="C" to="${leg.id}" numLanes="${leg.exitLanes}" speed="${v}"/>`);
    for (let i = 0; i < leg.lanes; i++) cons.push(con(`${leg.id}_in`, `${leg.id}_P`, i, i));
    for (let k = 0; k < p; k++) cons.push(con(`${leg.id}_in`, `${leg.id}_P`, leg.lanes - 1, leg.lanes + k));
    cons.push(...stopLine(j, leg));
  }
  const wrap = (tag: string, rows: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${j.name}: generated by simulators/sumo/family/geometry.ts -->\n<${tag}>\n${rows.join('\n')}\n</${tag}>\n`;
  return { nod: wrap('nodes', nodes), edg: wrap('edges', edges), con: wrap('connections', cons) };
}

const con = (from: string, to: string, fl: number, tl: number) =>
  `  <connection from="${from}" to="${to}" fromLane="${fl}" toLane="${tl}"/>`;

/** Lane use at the stop line: lane 0 right (+ through), through lanes, left from the pocket (or leftmost lane). */
function stopLine(j: JunctionSpec, leg: LegSpec): string[] {
  const out: string[] = [];
  const p = leg.pocket?.lanes ?? 0;
  for (const { turn, to } of movements(j, leg)) {
    const from = `${leg.id}_P`;
    const exit = `C_${to.id}`;
    if (turn === 'r') out.push(con(from, exit, 0, 0));
    if (turn === 's')
      for (let i = 0; i < leg.lanes; i++) out.push(con(from, exit, i, Math.min(i, to.exitLanes - 1)));
    if (turn === 'l') {
      // Leftmost lanes turn into the leftmost exit lanes (a dual left keeps its two lanes).
      const lanes = p > 0 ? Array.from({ length: p }, (_, k) => leg.lanes + k) : [leg.lanes - 1];
      lanes.forEach((l, k) => {
        out.push(con(from, exit, l, Math.max(0, to.exitLanes - lanes.length + k)));
      });
    }
  }
  return out;
}
