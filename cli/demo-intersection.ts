/**
 * The demo's intersection: a REAL edge agent on simulated GPIO, every detector and signal head
 * wired to its own line, with the traffic microsimulator driving the loops in real time and
 * raising an emergency vehicle now and then. Its heads, SPaT and cycle measures reach the
 * control room through the broker like any field cabinet's.
 */
import { dirname } from 'node:path';
import { loadIntersectionConfig } from '../controllers/signals/index.ts';
import { hilEdgeConfigText, runMicrosimAgainstAgent } from '../simulators/hil/index.ts';
import { OFF_PEAK } from '../simulators/traffic/scenarios.ts';
import type { EmergencySpec } from '../simulators/traffic/types.ts';
import { DEMO_INTERSECTION, type DemoEnv } from './demo-env.ts';

const DAY_S = 24 * 3600;

/** An ambulance every ten minutes on alternating approaches, seen 300 m out. */
function ambulances(): EmergencySpec[] {
  const approaches = ['eastbound', 'northbound', 'westbound', 'southbound'];
  return Array.from({ length: DAY_S / 600 }, (_, i) => ({
    vehicleId: `ambulance-${i + 1}`,
    movement: `${approaches[i % approaches.length]}.through`,
    appearAtS: 120 + i * 600,
    distanceM: 300,
    speedMps: 15,
  }));
}

export async function startDemoIntersection(env: DemoEnv) {
  const cfg = await loadIntersectionConfig(DEMO_INTERSECTION);
  if (!cfg.ok) throw new Error(`demo intersection: ${JSON.stringify(cfg.error)}`);
  const site = 'downtown';
  const device = 'cab-1';
  const created = await env.admin.post('/api/devices', { site, device, kind: 'signals' });
  const edgeConfigText = hilEdgeConfigText(cfg.value, { intersectionPath: DEMO_INTERSECTION, site, device });
  const abort = new AbortController();
  let status = 'starting';
  const run = runMicrosimAgainstAgent({
    edgeConfigText,
    baseDir: dirname(DEMO_INTERSECTION),
    demand: OFF_PEAK.demand,
    emergencies: ambulances(),
    durationS: DAY_S,
    seed: 2026,
    pace: 'realtime',
    speed: 1,
    mqttUrl: env.mqttUrl,
    mqttAuth: {
      agent: { username: `${site}.${device}`, password: String(created.password) },
      harness: env.operator,
    },
    signal: abort.signal,
  }).then((r) => {
    status = r.ok ? `finished: ${r.value.counts.departed} vehicles served` : `failed: ${r.error.message}`;
    if (!r.ok) console.error(`demo intersection ${status}`);
  });
  status = 'running';
  return {
    summary: () => `intersection ${site}/${device}: ${status}`,
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}
