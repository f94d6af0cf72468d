/** `cityedge sim intersection --config FILE --demand …`: microsimulator against the controller, in-process. */
import type { Command } from 'commander';
import { loadIntersectionConfig } from '../../controllers/signals/config.ts';
import { CityEdgeError } from '../../core/errors.ts';
import { formatIntersectionReport, parseDemand, runIntersectionSim } from './run.ts';

interface Flags {
  config: string;
  demand: string;
  duration: string;
  seed: string;
  ev?: string;
  agent?: boolean;
  edgeConfig?: string;
  mqttUrl?: string;
}

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new CityEdgeError('SIM_INTERSECTION_BAD_OPTION', `${name}: not a positive number: ${raw}`);
  return n;
}

async function run(flags: Flags): Promise<void> {
  const cfg = await loadIntersectionConfig(flags.config);
  if (!cfg.ok)
    throw new CityEdgeError('SIM_INTERSECTION_BAD_CONFIG', `${cfg.error.code}: ${cfg.error.message}`);
  const demand = parseDemand(flags.demand);
  if (!demand.ok) throw demand.error;
  if (flags.agent) {
    const { runAgainstAgent } = await import('./agent-mode.ts');
    console.log(
      await runAgainstAgent({
        configPath: flags.config,
        config: cfg.value,
        demand: demand.value,
        durationS: positive('--duration', flags.duration),
        seed: Math.round(positive('--seed', flags.seed)),
        ...(flags.ev ? { evApproaches: flags.ev.split(',').map((s) => s.trim()) } : {}),
        ...(flags.edgeConfig ? { edgeConfigPath: flags.edgeConfig } : {}),
        ...(flags.mqttUrl ? { mqttUrl: flags.mqttUrl } : {}),
      }),
    );
    return;
  }
  const r = runIntersectionSim({
    config: cfg.value,
    demand: demand.value,
    seed: Math.round(positive('--seed', flags.seed)),
    durationS: positive('--duration', flags.duration),
    ...(flags.ev ? { evApproaches: flags.ev.split(',').map((s) => s.trim()) } : {}),
  });
  if (!r.ok) throw r.error;
  console.log(
    `${cfg.value.name ?? cfg.value.id}: demand ${flags.demand}, ${flags.duration} s, seed ${flags.seed} (in-process controller, built-in microsimulator)`,
  );
  console.log(formatIntersectionReport(r.value));
  console.log(`(simulated in ${r.value.wallMs.toFixed(0)} ms)`);
}

export function registerIntersectionSim(sim: Command): void {
  sim
    .command('intersection')
    .description('built-in microsimulator against the signal controller: delay and ATSPM-style measures')
    .requiredOption('--config <file>', 'intersection config (YAML/JSON)')
    .option('--demand <spec>', 'offpeak | peak | unbalanced | approach.turn=vph,…', 'offpeak')
    .option('--duration <s>', 'demand duration', '3600')
    .option('--seed <n>', 'random seed', '1')
    .option('--ev <approaches>', 'comma-separated approaches that each get two emergency vehicles')
    .option('--agent', 'drive a REAL edge agent over its GPIO and MQTT instead of the in-process controller')
    .option('--edge-config <file>', 'with --agent: the site YAML whose wiring the agent uses')
    .option('--mqtt-url <url>', 'with --agent: broker to use (default: an in-process aedes)')
    .action(async (flags: Flags) => {
      try {
        await run(flags);
      } catch (e) {
        const code = e instanceof CityEdgeError ? `${e.code}: ` : '';
        console.error(`sim intersection: ${code}${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    });
}
