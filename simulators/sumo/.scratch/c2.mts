import { loadIntersectionBinding } from '../mapping.ts';
for (const f of ['j1', 'j2', 'j3']) {
  const r = await loadIntersectionBinding(`simulators/sumo/scenarios/corridor/${f}.intersection.yaml`);
  console.log(f, r.ok ? r.value.config.signalGroups.map((g) => `${g.name}:${g.display}`).join(',') : r.error);
}
