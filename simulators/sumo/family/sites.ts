/**
 * The junctions the report measures: the fixture junction (hand-configured, tuned on: held-in)
 * and the generated family (configured by `derive.ts` defaults, never tuned on: held-out).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ceilTenth, iteYellowS } from '../../../controllers/signals/config-checks.ts';
import { type IntersectionBinding, loadIntersectionBinding, parseIntersectionBinding } from '../mapping.ts';
import { type SumoNet, parseNet, upstreamSite } from '../net.ts';
import { type TlsType, buildNet } from '../scenarios/build.ts';
import { type Demand, junctionDemand } from '../scenarios/demand.ts';
import { ADVANCE_LOOP_M, writeDetectors } from '../scenarios/detectors.ts';
import { buildFamilyNet } from './build.ts';
import { type CriticalInput, FAMILY_DEMANDS, type FamilyDemandName, familyDemand } from './demand.ts';
import { type FamilyDoc, approachOf, deriveIntersection } from './derive.ts';
import { FAMILY, type JunctionSpec } from './geometry.ts';

export interface Site {
  readonly name: string;
  /** True for junctions nothing was tuned on. */
  readonly heldOut: boolean;
  /** netconvert the network with SUMO's program of this type; detectors beside it. */
  build(tls: TlsType, dir: string): Promise<{ netPath: string; detectorsPath: string }>;
  binding(netPath: string): Promise<IntersectionBinding>;
  demand(name: FamilyDemandName, durationS: number): Demand;
  /** Approach label for a departure edge (`W_in` → `EB (W)`). */
  approachLabel(departEdge: string): string;
}

const fixtureYaml = join(import.meta.dirname, '../scenarios/junction/junction.intersection.yaml');
const FIXTURE_APPROACH: Record<string, string> = { W_in: 'EB', E_in: 'WB', S_in: 'NB', N_in: 'SB' };

export const fixtureSite: Site = {
  name: 'junction',
  heldOut: false,
  async build(tls, dir) {
    const netPath = await buildNet('junction', tls, dir);
    return { netPath, detectorsPath: await writeDetectors(netPath, dir, `junction.${tls}`) };
  },
  async binding() {
    const b = await loadIntersectionBinding(fixtureYaml);
    if (!b.ok) throw b.error;
    return b.value;
  },
  demand: (name, durationS) => junctionDemand(name, durationS),
  approachLabel: (e) => FIXTURE_APPROACH[e] ?? e,
};

/** The advance loops as `writeDetectors` places them (55 m upstream, across a short pocket section). */
export const advanceSites = (net: SumoNet) => (lane: string) => upstreamSite(net, lane, ADVANCE_LOOP_M);

/** The derived file for a family junction, from its (static) network. */
export async function familyDoc(j: JunctionSpec, netPath: string): Promise<FamilyDoc> {
  const net = parseNet(await readFile(netPath, 'utf8'));
  const tls = net.tls.get('C');
  if (!tls) throw new Error(`${netPath}: no TLS C`);
  return deriveIntersection(j, tls, advanceSites(net));
}

/** What the demand sizing needs from the derived config (major road, own lefts, lost time). */
export function criticalInputOf(j: JunctionSpec, doc: FamilyDoc): CriticalInput {
  const phases = doc.phases as {
    id: number;
    approach?: string;
    movement?: string;
    leftTurnMode?: string;
    approachSpeedKmh?: number;
    redClearanceS: number;
  }[];
  const legOf = (approach: string | undefined) => j.legs.find((l) => approachOf(l) === approach)?.id;
  const majorLegs = new Set(
    phases.filter((p) => p.id === 2 || p.id === 6).map((p) => legOf(p.approach) ?? ''),
  );
  const ownLeft = new Set(
    phases
      .filter((p) => p.movement === 'left' && p.leftTurnMode !== 'permissive')
      .map((p) => legOf(p.approach) ?? ''),
  );
  const timed = phases.filter((p) => p.leftTurnMode !== 'permissive');
  const lost = timed.map((p) => ceilTenth(iteYellowS(p.approachSpeedKmh ?? 50)) + p.redClearanceS);
  return { majorLegs, ownLeft, lostPerPhaseS: lost.reduce((a, b) => a + b, 0) / Math.max(1, lost.length) };
}

function familySite(j: JunctionSpec): Site {
  let doc: FamilyDoc | undefined;
  return {
    name: j.name,
    heldOut: true,
    async build(tls, dir) {
      const netPath = await buildFamilyNet(j, tls, dir);
      // Link indices are the same for every program type, so the file derived once serves all.
      doc ??= await familyDoc(j, tls === 'static' ? netPath : await buildFamilyNet(j, 'static', dir));
      return { netPath, detectorsPath: await writeDetectors(netPath, dir, `${j.name}.${tls}`) };
    },
    async binding(netPath) {
      doc ??= await familyDoc(j, netPath);
      const b = parseIntersectionBinding(doc);
      if (!b.ok) throw b.error;
      return b.value;
    },
    demand(name, durationS) {
      if (!doc) throw new Error(`${j.name}: build() before demand()`);
      return familyDemand(j, criticalInputOf(j, doc), name, durationS);
    },
    approachLabel(e) {
      const leg = j.legs.find((l) => `${l.id}_in` === e);
      return leg ? `${approachOf(leg).slice(0, 1).toUpperCase()}B` : e;
    },
  };
}

export const SITES: readonly Site[] = [fixtureSite, ...FAMILY.map(familySite)];
export { FAMILY_DEMANDS };
