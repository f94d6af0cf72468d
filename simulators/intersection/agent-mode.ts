/**
 * `sim intersection --agent`: the same microsimulator, demand and seed, but driving a REAL edge
 * agent — detector edges on its GPIO inputs, heads read back from its load-switch outputs, EV
 * requests through its MQTT command path (simulators/hil). With `--edge-config` the agent runs
 * the site's own wiring; otherwise every detector and signal group gets its own line.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { IntersectionConfig } from '../../controllers/signals/index.ts';
import { CityEdgeError } from '../../core/errors.ts';
import {
  formatHilResult,
  hilEdgeConfigText,
  runInProcessReference,
  runMicrosimAgainstAgent,
} from '../hil/index.ts';
import { evScenario } from '../traffic/scenarios.ts';
import type { DemandSpec } from '../traffic/types.ts';

export interface AgentModeOptions {
  configPath: string;
  config: IntersectionConfig;
  edgeConfigPath?: string;
  demand: DemandSpec;
  durationS: number;
  seed: number;
  evApproaches?: string[];
  mqttUrl?: string;
}

export async function runAgainstAgent(o: AgentModeOptions): Promise<string> {
  const configPath = resolve(o.configPath);
  const edgeConfigText = o.edgeConfigPath
    ? readFileSync(o.edgeConfigPath, 'utf8')
    : hilEdgeConfigText(o.config, { intersectionPath: configPath });
  const baseDir = o.edgeConfigPath ? dirname(resolve(o.edgeConfigPath)) : dirname(configPath);
  const emergencies = o.evApproaches?.length
    ? (evScenario({ name: 'cli', demand: o.demand }, o.evApproaches, o.durationS).emergencies ?? [])
    : [];
  const run = { demand: o.demand, durationS: o.durationS, seed: o.seed, emergencies };
  const r = await runMicrosimAgainstAgent({
    ...run,
    edgeConfigText,
    baseDir,
    pace: 'virtual',
    ...(o.mqttUrl ? { mqttUrl: o.mqttUrl } : {}),
  });
  if (!r.ok) throw new CityEdgeError('SIM_INTERSECTION_AGENT', `${r.error.code}: ${r.error.message}`);
  const reference = runInProcessReference(o.config, run);
  return formatHilResult(r.value, reference.ok ? reference.value.records : undefined);
}
