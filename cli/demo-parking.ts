/**
 * The demo's car park: the REAL edge agent against the lot simulator. Bay sensors speak the
 * frame protocol over a socat pty the agent opens as its serial device; loops, limit switches and
 * barrier relays are simulated GPIO lines; lane cameras are HTTP snapshot servers rendering each
 * arriving car, read by the agent's OCR. Unreadable plates wait for an operator in the control
 * room (the simulated operator steps in only after ten minutes).
 */
import { readFileSync } from 'node:fs';
import { parseLotYaml, parseRegistryYaml } from '../controllers/parking/index.ts';
import { runWithAgent } from '../simulators/parking/with-agent.ts';
import type { DemoLot } from './demo-city.ts';
import { DEMO_LOT, DEMO_REGISTRY, type DemoEnv, type DemoOptions } from './demo-env.ts';

const DAY_MS = 24 * 3600_000;

/**
 * One demo car park. Both run the reference lot's layout under their own id; only the first reads
 * plates by OCR (two OCR workers would crowd a small machine), the second reports them directly.
 */
export async function startDemoParking(
  env: DemoEnv,
  opts: DemoOptions,
  where: DemoLot & { ocr: boolean; seed: number },
) {
  const parsed = parseLotYaml(readFileSync(DEMO_LOT, 'utf8'));
  const lot = parsed.ok
    ? { ...parsed, value: { ...parsed.value, id: where.device, name: where.name } }
    : parsed;
  const registry = parseRegistryYaml(readFileSync(DEMO_REGISTRY, 'utf8'));
  if (!lot.ok || !registry.ok)
    throw new Error('demo lot or registry is invalid (run `cityedge parking validate`)');
  const { site, device } = where;
  const created = await env.admin.post('/api/devices', { site, device, kind: 'parking' });
  const abort = new AbortController();
  let status = 'running';
  const run = runWithAgent(
    lot.value,
    registry.value,
    {
      startMs: opts.startMs ?? Date.now(),
      durationMs: DAY_MS,
      speed: opts.speed,
      operatorDelayMs: 10 * 60_000,
      seed: where.seed,
    },
    {
      registryPath: DEMO_REGISTRY,
      lpr: opts.ocr && where.ocr,
      ocrWorkers: 1,
      mqtt: { url: env.mqttUrl, username: `${site}.${device}`, password: String(created.password) },
      site,
      device,
      signal: abort.signal,
    },
  ).then(
    (r) => {
      status = `finished: ${r.controller.entries} entries, ${r.controller.exits} exits`;
    },
    (e: unknown) => {
      status = `failed: ${e instanceof Error ? e.message : String(e)}`;
      console.error(`demo car park ${status}`);
    },
  );
  return {
    summary: () => `car park ${site}/${device}: ${status}`,
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}
