import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { parseIntersectionConfig } from '/work/main/controllers/signals/config.ts';
const doc = parse(
  await readFile('/work/main/simulators/sumo/scenarios/junction/junction.intersection.yaml', 'utf8'),
);
const r = parseIntersectionConfig(doc);
console.log(JSON.stringify(r, null, 0).slice(0, 1500));
