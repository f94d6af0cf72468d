import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgainstNet } from '../check.ts';
import { parseIntersectionBinding } from '../mapping.ts';
import { parseDetectors, parseNet } from '../net.ts';
import { writeDetectors } from '../scenarios/detectors.ts';
import { buildFamilyNet } from './build.ts';
import { REFERENCE_CYCLE_S, criticalY, familyDemand } from './demand.ts';
import { type FamilyDoc, deriveIntersection } from './derive.ts';
import { FAMILY, type JunctionSpec, movements, plainXml, turnOf } from './geometry.ts';
import { runSiteReport } from './report.ts';
import { advanceSites, criticalInputOf } from './sites.ts';

const spec = (name: string) => FAMILY.find((j) => j.name === name) as JunctionSpec;
let dir = '';
const docs = new Map<string, FamilyDoc>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-family-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('junction family geometry', () => {
  it('classifies turns by angle, skewed legs included (right-hand traffic)', () => {
    const [w, e, s] = spec('tee').legs as [
      JunctionSpec['legs'][0],
      JunctionSpec['legs'][0],
      JunctionSpec['legs'][0],
    ];
    expect([turnOf(w, e), turnOf(w, s), turnOf(e, s), turnOf(s, e), turnOf(s, w)]).toEqual([
      's',
      'r',
      'l',
      'r',
      'l',
    ]);
    const skew = spec('skew');
    const from = skew.legs.find((l) => l.id === 'N');
    expect(
      from &&
        movements(skew, from)
          .map((m) => `${m.turn}${m.to.id}`)
          .sort(),
    ).toEqual(['lE', 'rW', 'sS']);
  });

  it('writes plain XML: pockets on the approach edge, dual lefts keep two lanes', () => {
    const x = plainXml(spec('arterial'));
    expect(x.edg).toContain('<edge id="W_P" from="Wm" to="C" numLanes="5"');
    expect(x.con).toContain('<connection from="W_P" to="C_N" fromLane="3" toLane="0"/>');
    expect(x.con).toContain('<connection from="W_P" to="C_N" fromLane="4" toLane="1"/>');
  });
});

describe('configs derived from geometry with one set of defaults', () => {
  for (const j of FAMILY) {
    it(`${j.name}: netconvert net, derived file passes signals check --net`, async () => {
      const net = await buildFamilyNet(j, 'static', dir);
      const det = await writeDetectors(net, dir, j.name);
      const n = parseNet(await readFile(net, 'utf8'));
      const tls = n.tls.get('C');
      if (!tls) throw new Error('no TLS');
      const doc = deriveIntersection(j, tls, advanceSites(n));
      docs.set(j.name, doc);
      const b = parseIntersectionBinding(doc);
      if (!b.ok) throw b.error;
      expect(checkAgainstNet(b.value, n, parseDetectors(await readFile(det, 'utf8')))).toEqual([]);
    });
  }

  it('puts advance loops 55 m upstream, on the lane feeding a pocket section shorter than that', () => {
    const minor = docs.get('minor');
    const det = (id: string) =>
      ((minor?.sumo.detectors ?? {}) as Record<string, { lane: string }[]>)[id]?.[0];
    // The minor road's pocket section is 25 m long: its through loop sits on the single-lane link.
    expect(det('nb-adv-1')?.lane).toBe('S_in_0');
    const adv = minor?.detectors?.find((d) => d.id === 'nb-adv-1');
    expect(adv).toMatchObject({ kind: 'advance', calls: [4], extends: [4] });
    expect(adv?.setbackM).toBeGreaterThanOrEqual(54);
  });

  it('runs lefts by what the geometry allows: FYA over one-lane pockets, protected duals, with-through at a T stem', () => {
    const modes = (name: string) =>
      (docs.get(name)?.phases ?? [])
        .filter((p) => p.movement === 'left')
        .map((p) => `${p.name}:${p.leftTurnMode}`);
    expect(modes('arterial')).toEqual(
      expect.arrayContaining(['EB-left:protected', 'WB-left:protected', 'NB-left:protected-permissive']),
    );
    expect(modes('tee')).toEqual(['WB-left:protected-permissive']);
    const stem = docs.get('tee')?.sumo.signalGroups as Record<string, number[]>;
    expect(stem['NB-through']).toHaveLength(2); // its right and its left: nothing opposes them
  });

  it('sizes peak demand to critical v/c 0.9 at the reference cycle; off-peak is 35 % of it', () => {
    for (const j of FAMILY) {
      const doc = docs.get(j.name);
      if (!doc) throw new Error(`${j.name} not derived`);
      const c = criticalInputOf(j, doc);
      const peak = familyDemand(j, c, 'peak', 1800);
      const byLeg = (d: typeof peak) => (leg: { id: string }) =>
        d.flows.filter((f) => f.from === `${leg.id}_in`).reduce((a, f) => a + f.vehPerHour, 0);
      const { y, phases } = criticalY(j, c, byLeg(peak));
      const xc = (y * REFERENCE_CYCLE_S) / (REFERENCE_CYCLE_S - phases * c.lostPerPhaseS);
      expect(xc).toBeGreaterThan(0.88);
      expect(xc).toBeLessThan(0.92);
      const off = familyDemand(j, c, 'offpeak', 1800);
      const total = (d: typeof peak) => d.flows.reduce((a, f) => a + f.vehPerHour, 0);
      expect(total(off) / total(peak)).toBeCloseTo(0.35, 1);
      expect(familyDemand(j, c, 'emergency', 1800).emergency.length).toBeGreaterThanOrEqual(7);
    }
  });
});

describe('family in SUMO (short run, one seed)', () => {
  it('minor peak, 300 s: every program and CityEdge finish with no teleport, collision or monitor fault', async () => {
    const rows = await runSiteReport({ durationS: 300, seeds: 1, sites: ['minor'], demands: ['peak'] });
    expect(rows.map((r) => r.kind)).toEqual([
      'sumo-static',
      'sumo-actuated',
      'sumo-delay_based',
      'cityedge',
      'cityedge+sat',
    ]);
    const vehicles = new Set(rows.map((r) => r.summary.vehicles));
    expect(vehicles.size).toBe(1); // same demand and seed: every vehicle finished under every controller
    for (const r of rows) expect([r.teleports, r.collisions]).toEqual([0, 0]);
    const ours = rows.find((r) => r.kind === 'cityedge');
    expect(rows.filter((r) => r.kind.startsWith('cityedge')).map((r) => r.monitorFaults)).toEqual([0, 0]);
    expect(Object.keys(ours?.approaches ?? {}).sort()).toEqual(['EB', 'NB', 'SB', 'WB']);
  }, 120_000);
});
