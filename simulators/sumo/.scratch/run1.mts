import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareScenario } from '../scenarios/prepare.ts';
import { junctionDemand } from '../scenarios/demand.ts';
import { loadIntersectionBinding } from '../mapping.ts';
import { runControlled } from '../run.ts';
import { cityEdgeController } from '../controller.ts';
import { readTripinfo, summarize } from '../metrics.ts';
import { runSumoPlain } from '../launch.ts';
const name = (process.argv[2] ?? 'offpeak') as 'offpeak';
const dur = Number(process.argv[3] ?? 600);
const dir = await mkdtemp(join(tmpdir(), 'sumo-'));
const b = await loadIntersectionBinding('simulators/sumo/scenarios/junction/junction.intersection.yaml');
if (!b.ok) throw b.error;
for (const tls of ['static', 'actuated'] as const) {
  const sc = await prepareScenario({ network: 'junction', tls, demand: junctionDemand(name, dur), dir });
  await runSumoPlain(['-c', sc.sumocfg]);
  console.log(tls, summarize(await readTripinfo(sc.tripinfoPath)));
}
const sc = await prepareScenario({
  network: 'junction',
  tls: 'static',
  demand: junctionDemand(name, dur),
  dir,
  label: 'cityedge',
});
const t0 = Date.now();
const states = 0;
const r = await runControlled({
  target: { kind: 'launch', args: ['-c', sc.sumocfg] },
  bindings: [b.value],
  factory: cityEdgeController,
});
console.log('bridge', r, Date.now() - t0, 'ms');
console.log('cityedge', summarize(await readTripinfo(sc.tripinfoPath)));
