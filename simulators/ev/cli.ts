/** `cityedge sim ev --route …`: an EV on a pre-shared corridor route in SUMO, with and without priority. */
import type { Command } from 'commander';
import { CityEdgeError } from '../../core/errors.ts';
import { NAMED_ROUTES, formatEvReport, resolveRoute, runEvTrip } from './run.ts';

interface Flags {
  route: string;
  depart: string;
  duration: string;
  evs: string;
  seed?: string;
  /** commander: `--in-process` sets it, `--mqtt` (the default) clears it. */
  inProcess?: boolean;
  mqtt?: boolean;
  broker?: string;
}

function nonNegative(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new CityEdgeError('SIM_EV_BAD_OPTION', `${name}: not a non-negative number: ${raw}`);
  return n;
}

export function registerEvSim(sim: Command): void {
  sim
    .command('ev')
    .description(
      'emergency vehicle on a pre-shared route across the SUMO corridor: travel time with and without priority',
    )
    .option(
      '--route <route>',
      `${Object.keys(NAMED_ROUTES).join(' | ')} | comma-separated corridor edges`,
      'corridor-eb',
    )
    .option('--depart <s>', 'EV departure time (background traffic runs from 0)', '300')
    .option('--duration <s>', 'background demand duration', '600')
    .option('--evs <n>', 'EVs along the route, one after another', '5')
    .option('--seed <n>', 'SUMO seed')
    .option(
      '--mqtt',
      'priority messages cross an MQTT broker: EV unit → dispatcher → junction endpoints (default)',
    )
    .option('--in-process', 'the SUMO bridge calls the controllers directly (no MQTT)')
    .option('--broker <url>', 'with --mqtt: use this MQTT 3.1.1 broker instead of an in-process aedes')
    .action(async (flags: Flags) => {
      try {
        if (flags.mqtt && flags.inProcess)
          throw new CityEdgeError('SIM_EV_BAD_OPTION', '--mqtt and --in-process exclude each other');
        if (flags.broker && flags.inProcess)
          throw new CityEdgeError('SIM_EV_BAD_OPTION', '--broker needs the MQTT transport');
        const route = await resolveRoute(flags.route);
        if (!route.ok) throw route.error;
        const durationS = nonNegative('--duration', flags.duration);
        const departS = nonNegative('--depart', flags.depart);
        const seed = flags.seed === undefined ? undefined : Math.round(nonNegative('--seed', flags.seed));
        const evs = Math.max(1, Math.round(nonNegative('--evs', flags.evs)));
        const r = await runEvTrip({
          route: route.value,
          departS,
          durationS,
          evs,
          transport: flags.inProcess ? 'in-process' : 'mqtt',
          ...(flags.broker ? { brokerUrl: flags.broker } : {}),
          ...(seed !== undefined ? { seed } : {}),
        });
        console.log(formatEvReport(r));
      } catch (e) {
        const code = e instanceof CityEdgeError ? `${e.code}: ` : '';
        console.error(`sim ev: ${code}${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    });
}
