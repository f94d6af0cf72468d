import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareScenario } from '../scenarios/prepare.ts';
import { junctionDemand } from '../scenarios/demand.ts';
import { loadIntersectionBinding } from '../mapping.ts';
import { runControlled } from '../run.ts';
import { cityEdgeController } from '../controller.ts';
import { runSumoPlain } from '../launch.ts';
const name = (process.argv[2] ?? 'peak') as 'peak';
const yaml = process.argv[3] ?? 'simulators/sumo/scenarios/junction/junction.intersection.yaml';
const dir = await mkdtemp(join(tmpdir(), 'sumo-'));
const b = await loadIntersectionBinding(yaml);
if (!b.ok) throw b.error;
async function byMove(path: string) {
  const xml = await readFile(path, 'utf8');
  const acc = new Map<string, number[]>();
  for (const m of xml.matchAll(
    /<tripinfo [^>]*departLane="([^"]+)_\d"[^>]*arrivalLane="([^"]+)_\d"[^>]*timeLoss="([\d.]+)"/g,
  )) {
    const k = `${m[1]}>${m[2]}`;
    (acc.get(k) ?? acc.set(k, []).get(k)!).push(Number(m[3]));
  }
  const all = [...acc.values()].flat();
  return {
    mean: all.reduce((a, b) => a + b, 0) / all.length,
    moves: Object.fromEntries(
      [...acc].sort().map(([k, v]) => [k, +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)]),
    ),
  };
}
const out: Record<string, unknown> = {};
for (const seed of [23, 1023, 2023]) {
  const d = { ...junctionDemand(name, 1800), seed };
  if (process.argv[4] !== 'noact') {
    const sa = await prepareScenario({
      network: 'junction',
      tls: 'actuated',
      demand: d,
      dir,
      label: 'act' + seed,
    });
    await runSumoPlain(['-c', sa.sumocfg]);
    out['act' + seed] = await byMove(sa.tripinfoPath);
  }
  const sc = await prepareScenario({
    network: 'junction',
    tls: 'static',
    demand: d,
    dir,
    label: 'ce' + seed,
  });
  await runControlled({
    target: { kind: 'launch', args: ['-c', sc.sumocfg] },
    bindings: [b.value],
    factory: cityEdgeController,
  });
  out['ce' + seed] = await byMove(sc.tripinfoPath);
}
for (const [k, v] of Object.entries(out)) console.log(k, JSON.stringify(v));
