/**
 * The demo's corridor: three REAL edge agents on simulated GPIO, one per junction, every detector
 * and signal head wired to its own line, with the traffic microsimulator driving the loops in real
 * time. Each junction is the reference four-leg intersection under its own id and name. Their
 * heads, SPaT, hi-res events and cycle measures reach the control room through the broker like any
 * field cabinet's; the emergency runs come from cli/demo-ev.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadIntersectionConfig } from '../controllers/signals/index.ts';
import { hilEdgeConfigText, runMicrosimAgainstAgent } from '../simulators/hil/index.ts';
import { OFF_PEAK } from '../simulators/traffic/scenarios.ts';
import type { EmergencySpec } from '../simulators/traffic/types.ts';
import { CORRIDOR, type DemoIntersection } from './demo-city.ts';
import { DEMO_INTERSECTION, type DemoEnv } from './demo-env.ts';

const DAY_S = 24 * 3600;

/** The reference intersection's YAML under this junction's id, name and signal id. */
async function junctionConfig(env: DemoEnv, x: DemoIntersection): Promise<string> {
  const doc = parse(await readFile(DEMO_INTERSECTION, 'utf8')) as Record<string, unknown>;
  const path = join(env.dir, `${x.id}.yaml`);
  await writeFile(path, stringify({ ...doc, id: x.id, name: x.name, signalId: x.signalId }));
  return path;
}

/** How a junction's traffic runs: the demo at real time, the soak faster and with its own EVs. */
export interface JunctionRun {
  seed: number;
  speed: number;
  emergencies: EmergencySpec[];
  /** Epoch ms of simulated time 0 (default now; see HilOptions.startMs). */
  startMs?: number;
  /** Told when the run ends in failure (the soak fails on a dead part; the demo logs it). */
  onFailure?: (message: string) => void;
}

/** One real signal agent on simulated GPIO with the microsimulator driving its loops. */
export async function startJunction(env: DemoEnv, x: DemoIntersection, traffic: JunctionRun) {
  const path = await junctionConfig(env, x);
  const cfg = await loadIntersectionConfig(path);
  if (!cfg.ok) throw new Error(`demo intersection ${x.id}: ${JSON.stringify(cfg.error)}`);
  const { site, device } = x;
  const created = await env.admin.post('/api/devices', { site, device, kind: 'signals' });
  const edgeConfigText = hilEdgeConfigText(cfg.value, { intersectionPath: path, site, device });
  const abort = new AbortController();
  let status = 'running';
  const run = runMicrosimAgainstAgent({
    edgeConfigText,
    baseDir: env.dir,
    demand: OFF_PEAK.demand,
    emergencies: traffic.emergencies,
    durationS: DAY_S,
    seed: traffic.seed,
    pace: 'realtime',
    speed: traffic.speed,
    ...(traffic.startMs === undefined ? {} : { startMs: traffic.startMs }),
    mqttUrl: env.mqttUrl,
    mqttAuth: {
      agent: { username: `${site}.${device}`, password: String(created.password) },
      harness: env.operator,
    },
    signal: abort.signal,
  }).then((r) => {
    status = r.ok ? `finished: ${r.value.counts.departed} vehicles served` : `failed: ${r.error.message}`;
    if (!r.ok) console.error(`demo intersection ${x.id} ${status}`);
    if (!r.ok) traffic.onFailure?.(`intersection: ${r.error.message}`);
  });
  return {
    summary: () => `${x.id}: ${status}`,
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}

export async function startDemoCorridor(env: DemoEnv) {
  const junctions: Array<{ summary(): string; stop(): Promise<void> }> = [];
  for (const [i, x] of CORRIDOR.entries())
    junctions.push(await startJunction(env, x, { seed: 2026 + i, speed: 1, emergencies: [] }));
  return {
    summary: () => `corridor ${junctions.map((j) => j.summary()).join(', ')}`,
    stop: async () => {
      await Promise.all(junctions.map((j) => j.stop()));
    },
  };
}
