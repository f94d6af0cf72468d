import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { signalsCheck } from '../../cli/signals.ts';
import { checkAgainstNet } from './check.ts';
import { parseIntersectionBinding } from './mapping.ts';
import { type SumoNet, parseDetectors, parseNet } from './net.ts';
import { buildNet } from './scenarios/build.ts';
import { writeDetectors } from './scenarios/detectors.ts';

// Real netconvert output for the fixture junction (≈0.2 s), checked offline.
const fixture = join(import.meta.dirname, 'scenarios/junction/junction.intersection.yaml');
let dir = '';
let netPath = '';
let detPath = '';
let net: SumoNet;
let dets: ReturnType<typeof parseDetectors>;

type Doc = Record<string, unknown> & {
  phases: Record<string, unknown>[];
  rings: number[][];
  barriers: number[][];
  compatible: number[][];
  detectors: Record<string, unknown>[];
  preemption: { phases: number[] }[];
  sumo: {
    signalGroups: Record<string, number[]>;
    detectors: Record<string, Record<string, unknown>[]>;
  } & Record<string, unknown>;
};
const doc = async (): Promise<Doc> => parse(await readFile(fixture, 'utf8')) as Doc;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-check-'));
  netPath = await buildNet('junction', 'static', dir);
  detPath = await writeDetectors(netPath, dir, 'junction');
  net = parseNet(await readFile(netPath, 'utf8'));
  dets = parseDetectors(await readFile(detPath, 'utf8'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function issues(d: Doc) {
  const b = parseIntersectionBinding(d);
  if (!b.ok) throw b.error;
  return checkAgainstNet(b.value, net, dets);
}
const phaseIndex = (d: Doc, id: number) => d.phases.findIndex((p) => p.id === id);

describe('signals check against the SUMO network (offline)', () => {
  it('reads the net: 16 TLS links, SUMO foes, crossing lengths, detector kinds', () => {
    const tls = net.tls.get('C');
    expect(tls?.links).toHaveLength(16);
    expect(tls?.links[15]).toMatchObject({ fromLane: 'W_P_2', toEdge: 'C_N', dir: 'l' });
    // EB left (15) crosses the WB through (5, 6); the WB right (4) only merges with the NB through lanes.
    expect([...(tls?.foes.get(15) ?? [])]).toEqual(expect.arrayContaining([5, 6]));
    expect(tls?.links[13]?.crossingM).toBeGreaterThan(20);
    expect(dets.find((d) => d.id === 'adv_W_P_0')?.kind).toBe('loop');
    expect(dets.find((d) => d.id === 'e2_W_P_0')?.kind).toBe('zone');
  });

  it('passes the fixture junction', async () => {
    expect(issues(await doc())).toEqual([]);
  });

  it('finds an undriven link, a link the TLS lacks and an unknown TLS', async () => {
    const d = await doc();
    d.sumo.signalGroups['EB-left'] = [16];
    const found = issues(d);
    expect(found).toContainEqual({
      path: 'sumo.signalGroups',
      message: expect.stringContaining('link 15 (W_P_2 → C_N, left) is driven by no signal group'),
    });
    expect(found).toContainEqual({
      path: 'sumo.signalGroups.EB-left[0]',
      message: 'link 16 does not exist: TLS C has 16',
    });
    d.sumo.tls = 'X';
    expect(issues(d)[0]?.path).toBe('sumo.tls');
  });

  it('refuses a left on the through ball: it would cross the opposing through with right of way', async () => {
    const d = await doc();
    d.sumo.signalGroups['EB-through'] = [12, 13, 14, 15];
    d.sumo.signalGroups['EB-left'] = [];
    d.sumo.signalGroups = Object.fromEntries(Object.entries(d.sumo.signalGroups).filter(([, v]) => v.length));
    const found = issues(d);
    expect(found.map((i) => i.path)).toContain('sumo.signalGroups.EB-through');
    expect(found.find((i) => i.path === 'sumo.signalGroups.EB-through')?.message).toMatch(
      /link 15 .* WB-through cross and would both have right of way/,
    );
  });

  it('accepts a permissive-only left (FYA on its own group, yielding to the opposing through)', async () => {
    const d = await doc();
    const i = phaseIndex(d, 5);
    d.phases[i] = { ...d.phases[i], leftTurnMode: 'permissive' };
    for (const k of ['maxGreenS', 'minGreenS', 'passageS']) expect(d.phases[i]?.[k]).toBeDefined();
    d.rings = d.rings.map((r) => r.filter((p) => p !== 5));
    d.barriers = d.barriers.map((b) => b.filter((p) => p !== 5));
    d.compatible = d.compatible.filter(([a, b]) => a !== 5 && b !== 5);
    d.detectors = d.detectors.filter((x) => x.id !== 'eb-left-stop');
    delete d.sumo.detectors['eb-left-stop'];
    d.preemption = d.preemption.map((p) => ({ ...p, phases: p.phases.filter((x) => x !== 5) }));
    expect(issues(d)).toEqual([]);
  });

  it('refuses a permissive left whose "opposing through" does not cross it', async () => {
    const d = await doc();
    const i = phaseIndex(d, 5);
    d.phases[i] = { ...d.phases[i], opposingThroughPhase: 2 };
    expect(issues(d)).toContainEqual({
      path: `phases[${i}].opposingThroughPhase`,
      message: expect.stringContaining('drives no through movement that crosses EB-left'),
    });
  });

  it('holds yellow and red clearance to the ITE figures for the net speed and crossing', async () => {
    const d = await doc();
    const i = phaseIndex(d, 2);
    // No approachSpeedKmh in the file: the speed limit comes from the net (13.89 m/s).
    const { approachSpeedKmh: _net, ...rest } = d.phases[i] ?? {};
    d.phases[i] = { ...rest, yellowS: 3, redClearanceS: 1 };
    const found = issues(d);
    expect(found).toContainEqual({
      path: `phases[${i}].yellowS`,
      message: '3 s is below the ITE change interval 3.3 s for 50 km/h',
    });
    expect(found.find((x) => x.path === `phases[${i}].redClearanceS`)?.message).toMatch(
      /below the ITE red clearance 2\.5 s/,
    );
  });

  it("checks an advance loop's declared setback against its place in the net", async () => {
    const d = await doc();
    const k = d.detectors.findIndex((x) => x.id === 'eb-adv-1');
    d.detectors[k] = { ...d.detectors[k], setbackM: 80 } as (typeof d.detectors)[number];
    expect(issues(d)).toContainEqual({
      path: 'detectors.eb-adv-1.setbackM',
      message: '80 m, but "adv_W_P_0" is 55 m from the stop line in the net',
    });
  });

  it('checks each detector: lane exists, id exists, kind and lane as declared, role fits position', async () => {
    const d = await doc();
    d.sumo.detectors['eb-stop'] = [
      { id: 'e2_W_P_0', kind: 'loop', lane: 'W_P_0' },
      { id: 'e2_W_P_1', kind: 'zone', lane: 'W_P_9' },
      { id: 'nope', kind: 'zone', lane: 'W_P_1' },
      { id: 'adv_W_P_1', kind: 'loop', lane: 'W_P_1' },
    ];
    d.sumo.detectors['eb-left-stop'] = [{ id: 'e2_W_P_0', kind: 'zone', lane: 'W_P_0' }];
    const found = issues(d);
    const at = (p: string) => found.filter((x) => x.path === p).map((x) => x.message);
    expect(at('sumo.detectors.eb-stop[0].kind')).toEqual(['"e2_W_P_0" is a zone in SUMO, declared loop']);
    expect(at('sumo.detectors.eb-stop[1].lane')).toEqual(['no lane "W_P_9" in the network']);
    expect(at('sumo.detectors.eb-stop[2].id')).toEqual(['no detector "nope" in the additional files']);
    expect(at('sumo.detectors.eb-stop[3].id')[0]).toMatch(
      /stop-bar detector "adv_W_P_1" ends 55 m before the stop line/,
    );
    expect(at('sumo.detectors.eb-left-stop[0].lane')).toEqual([
      'lane W_P_0 feeds no link of phase(s) 5 that eb-left-stop calls',
    ]);
  });

  it('cityedge signals check: whole file, sumo: included, with --net; exit 1 with paths', async () => {
    const good = await signalsCheck(fixture, { net: netPath, additional: [detPath] });
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('sumo: TLS C');
    expect(good.stdout).toContain('all 16 links driven once');
    const d = await doc();
    d.sumo.detectors['eb-stop'] = [{ id: 'e2_W_P_0', kind: 'zone', lane: 'W_P_7' }];
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, stringify(d));
    const r = await signalsCheck(bad, { net: netPath });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('SIM_SUMO_NET_MISMATCH');
    expect(r.stderr).toContain('sumo.detectors.eb-stop[0].lane: no lane "W_P_7" in the network');
    // Without --net the sumo: section is still validated against the controller config.
    d.sumo.signalGroups['XB-through'] = [3];
    await writeFile(bad, stringify(d));
    const offline = await signalsCheck(bad, {});
    expect(offline.exitCode).toBe(1);
    expect(offline.stderr).toContain('sumo.signalGroups.XB-through: no such signal group in the controller');
    const noNet = await signalsCheck(fixture, { net: join(dir, 'missing.net.xml') });
    expect(noNet.stderr).toContain('SIM_SUMO_NET_IO');
  });
});
