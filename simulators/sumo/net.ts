/**
 * Offline reading of a SUMO network (`.net.xml`) and detector definitions (additional files):
 * enough to check an intersection's `sumo:` mapping without starting SUMO. netconvert writes one
 * element per line with attributes in a fixed order, so attribute-level regexes are sufficient;
 * attributes are matched by name, never by position.
 */

export type LinkDir = 's' | 'l' | 'r' | 't' | 'L' | 'R' | 'invalid';

export interface NetLink {
  /** TLS link index (the position in the red-yellow-green state string). */
  readonly index: number;
  readonly fromEdge: string;
  readonly fromLane: string;
  readonly toEdge: string;
  readonly dir: LinkDir;
  /** Length of the internal lanes the link uses (the crossing distance), m. */
  readonly crossingM: number;
  /** Speed limit of the approach lane, m/s. */
  readonly approachSpeedMps: number;
}

export interface NetLane {
  readonly id: string;
  readonly edge: string;
  readonly lengthM: number;
  readonly speedMps: number;
}

export interface NetTls {
  readonly id: string;
  readonly links: readonly NetLink[];
  /** foes[i] = link indices that conflict with link i (from the junction's `<request>` rows). */
  readonly foes: ReadonlyMap<number, ReadonlySet<number>>;
}

/** The lane feeding a lane straight on across a plain (unsignalled) node, and the length between. */
export interface UpstreamLane {
  readonly lane: string;
  readonly viaM: number;
}

export interface SumoNet {
  readonly lanes: ReadonlyMap<string, NetLane>;
  readonly tls: ReadonlyMap<string, NetTls>;
  /** lane → the lane feeding it straight on (no TLS between): where an advance loop may sit. */
  readonly upstream: ReadonlyMap<string, UpstreamLane>;
}

export interface NetDetector {
  readonly id: string;
  readonly kind: 'loop' | 'zone';
  readonly lane: string;
  /** Position of the detector's downstream end on the lane, m. */
  readonly endPosM: number;
}

const attr = (el: string, name: string): string | undefined =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(el)?.[1];

function elements(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}\\s[^>]*>`, 'g'))].map((m) => m[0]);
}

/** Parses the parts of a net the mapping check needs: lanes, TLS links and their conflicts. */
export function parseNet(xml: string): SumoNet {
  const lanes = new Map<string, NetLane>();
  // Lanes sit inside their <edge> element; read edge blocks to know each lane's edge.
  for (const block of xml.matchAll(/<edge\s[^>]*id="([^"]+)"[^>]*>([\s\S]*?)<\/edge>/g)) {
    for (const el of elements(block[2] ?? '', 'lane')) {
      const id = attr(el, 'id');
      if (!id) continue;
      lanes.set(id, {
        id,
        edge: block[1] ?? '',
        lengthM: Number(attr(el, 'length') ?? 0),
        speedMps: Number(attr(el, 'speed') ?? 0),
      });
    }
  }
  const byTls = new Map<string, NetLink[]>();
  const junctionOf = new Map<string, string>();
  const conns = elements(xml, 'connection');
  // A turn may cross an internal junction: `:C_3_0` continues as `:C_16_0` (from=":C_3" via=…).
  const nextInternal = new Map<string, string>();
  for (const el of conns) {
    const from = attr(el, 'from') ?? '';
    const via = attr(el, 'via');
    if (from.startsWith(':') && via) nextInternal.set(`${from}_${attr(el, 'fromLane') ?? '0'}`, via);
  }
  const crossing = (via: string): number => {
    let m = 0;
    for (let lane: string | undefined = via, k = 0; lane && k < 4; lane = nextInternal.get(lane), k++)
      m += lanes.get(lane)?.lengthM ?? 0;
    return m;
  };
  const upstream = new Map<string, UpstreamLane>();
  for (const el of conns) {
    const from = attr(el, 'from') ?? '';
    if (from.startsWith(':') || attr(el, 'tl') || attr(el, 'dir') !== 's') continue;
    const to = `${attr(el, 'to') ?? ''}_${attr(el, 'toLane') ?? '0'}`;
    if (!upstream.has(to))
      upstream.set(to, {
        lane: `${from}_${attr(el, 'fromLane') ?? '0'}`,
        viaM: crossing(attr(el, 'via') ?? ''),
      });
  }
  for (const el of conns) {
    const tl = attr(el, 'tl');
    const index = attr(el, 'linkIndex');
    if (!tl || index === undefined) continue;
    const from = attr(el, 'from') ?? '';
    const fromLane = `${from}_${attr(el, 'fromLane') ?? '0'}`;
    const via = attr(el, 'via') ?? '';
    const junction = /^:(.+)_\d+_\d+$/.exec(via)?.[1];
    if (junction) junctionOf.set(tl, junction);
    const list = byTls.get(tl) ?? [];
    list.push({
      index: Number(index),
      fromEdge: from,
      fromLane,
      toEdge: attr(el, 'to') ?? '',
      dir: (attr(el, 'dir') ?? 'invalid') as LinkDir,
      crossingM: crossing(via),
      approachSpeedMps: lanes.get(fromLane)?.speedMps ?? 0,
    });
    byTls.set(tl, list);
  }
  const tls = new Map<string, NetTls>();
  for (const el of elements(xml, 'tlLogic')) {
    const id = attr(el, 'id');
    if (!id || tls.has(id)) continue;
    const links = (byTls.get(id) ?? []).sort((a, b) => a.index - b.index);
    tls.set(id, { id, links, foes: junctionFoes(xml, junctionOf.get(id) ?? id) });
  }
  return { lanes, tls, upstream };
}

/**
 * Where a loop `setbackM` upstream of the stop line of `lane` sits: on the lane itself or, when the
 * lane (a short pocket section) is shorter, on the lanes feeding it straight on. The setback returned
 * is the real one (less when the net ends first).
 */
export function upstreamSite(
  net: SumoNet,
  lane: string,
  setbackM: number,
): { lane: string; posM: number; setbackM: number } {
  let at = lane;
  let before = 0; // stop line → downstream end of `at`
  for (let k = 0; k < 4; k++) {
    const len = net.lanes.get(at)?.lengthM ?? 0;
    const up = net.upstream.get(at);
    if (setbackM - before <= len - 0.5 || !up) {
      const posM = Math.max(0.5, len - (setbackM - before));
      return { lane: at, posM, setbackM: before + len - posM };
    }
    before += len + up.viaM;
    at = up.lane;
  }
  return { lane: at, posM: 0.5, setbackM: before };
}

/** Distance from `posM` on `lane` to the end of the first TLS-controlled lane it leads to (straight on). */
export function toStopLineM(net: SumoNet, tls: NetTls, lane: string, posM: number): number {
  const controlled = new Set(tls.links.map((l) => l.fromLane));
  const downstream = new Map([...net.upstream].map(([to, up]) => [up.lane, { lane: to, viaM: up.viaM }]));
  let m = (net.lanes.get(lane)?.lengthM ?? 0) - posM;
  let at = lane;
  for (let k = 0; k < 4 && !controlled.has(at); k++) {
    const next = downstream.get(at);
    if (!next) break;
    m += next.viaM + (net.lanes.get(next.lane)?.lengthM ?? 0);
    at = next.lane;
  }
  return m;
}

/**
 * `<request index="i" foes="…">`: character k from the RIGHT is 1 when link k conflicts with
 * link i [SUMO docs: Networks/SUMO_Road_Networks#requests]. For a TLS that controls one junction
 * the request index is the TLS link index (netconvert numbers both in the same order).
 */
function junctionFoes(xml: string, junction: string): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const re = new RegExp(`<junction\\s[^>]*id="${escapeRe(junction)}"[^>]*>([\\s\\S]*?)</junction>`);
  const body = re.exec(xml)?.[1] ?? '';
  for (const el of elements(body, 'request')) {
    const i = Number(attr(el, 'index'));
    const foes = attr(el, 'foes') ?? '';
    const set = new Set<number>();
    for (let k = 0; k < foes.length; k++) if (foes[foes.length - 1 - k] === '1') set.add(k);
    out.set(i, set);
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** E1 loops (`inductionLoop`/`e1Detector`) and E2 zones (`laneAreaDetector`/`e2Detector`). */
export function parseDetectors(xml: string): NetDetector[] {
  const out: NetDetector[] = [];
  for (const [tag, kind] of [
    ['inductionLoop', 'loop'],
    ['e1Detector', 'loop'],
    ['laneAreaDetector', 'zone'],
    ['e2Detector', 'zone'],
  ] as const) {
    for (const el of elements(xml, tag)) {
      const id = attr(el, 'id');
      const lane = attr(el, 'lane');
      if (!id || !lane) continue;
      const pos = Number(attr(el, 'pos') ?? 0);
      const end = attr(el, 'endPos');
      const length = attr(el, 'length');
      const endPosM = end !== undefined ? Number(end) : length !== undefined ? pos + Number(length) : pos;
      out.push({ id, kind, lane, endPosM });
    }
  }
  return out;
}
