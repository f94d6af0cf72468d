/**
 * `cityedge sim sumo`: run CityEdge signal controllers against SUMO over TraCI.
 *   sim sumo --sumocfg FILE [--intersection FILE…] [--tls ID] [--end S]   launch SUMO on a free port
 *   sim sumo --port N …        (or env SUMO_PORT / PORT) connect to a SUMO started with --remote-port
 *   sim sumo                   the built-in junction scenario with emergency vehicles
 *   sim sumo report            SUMO static / actuated vs CityEdge on the built-in scenarios
 *   sim sumo links             print a TLS's link indices (to write a `sumo:` mapping)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CityEdgeError } from '../../core/errors.ts';
import { cityEdgeController } from './controller.ts';
import { launchSumo } from './launch.ts';
import { type IntersectionBinding, loadIntersectionBinding } from './mapping.ts';
import type { FamilyDemandName } from './family/demand.ts';
import { runSiteReport } from './family/report.ts';
import { formatSiteTables } from './family/report-format.ts';
import { formatReport } from './report-format.ts';
import { runReport } from './report.ts';
import { type SumoTarget, runControlled } from './run.ts';
import { junctionDemand } from './scenarios/demand.ts';
import { prepareScenario } from './scenarios/prepare.ts';
import { TraciClient } from './traci/client.ts';

const DEFAULT_INTERSECTION = join(import.meta.dirname, 'scenarios/junction/junction.intersection.yaml');

interface RunFlags {
  sumocfg?: string;
  port?: string;
  host: string;
  tls?: string;
  intersection?: string[];
  end?: string;
  priority: boolean;
}

/** Options win over environment variables; a bad number is an error value, not NaN. */
export function resolveNumber(name: string, ...candidates: (string | undefined)[]): number | undefined {
  const raw = candidates.find((c) => c !== undefined && c !== '');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new CityEdgeError('SIM_SUMO_BAD_OPTION', `${name}: not a non-negative number: ${raw}`);
  return n;
}

async function loadBindings(
  files: readonly string[],
  tls: string | undefined,
): Promise<IntersectionBinding[]> {
  const out: IntersectionBinding[] = [];
  for (const f of files) {
    const b = await loadIntersectionBinding(f);
    if (!b.ok) throw b.error;
    out.push(b.value);
  }
  if (tls !== undefined) {
    if (out.length !== 1)
      throw new CityEdgeError('SIM_SUMO_BAD_OPTION', '--tls needs exactly one --intersection');
    const only = out[0] as IntersectionBinding;
    out[0] = { ...only, mapping: { ...only.mapping, tls } };
  }
  return out;
}

async function runCommand(flags: RunFlags): Promise<void> {
  const env = process.env;
  const endS = resolveNumber('--end', flags.end, env.SUMO_END);
  const port = flags.sumocfg ? undefined : resolveNumber('--port', flags.port, env.SUMO_PORT, env.PORT);
  const bindings = await loadBindings(
    flags.intersection?.length ? flags.intersection : [DEFAULT_INTERSECTION],
    flags.tls ?? env.SUMO_TLS_ID,
  );
  let scratch: string | undefined;
  let target: SumoTarget;
  if (flags.sumocfg) target = { kind: 'launch', args: ['-c', flags.sumocfg] };
  else if (port !== undefined) target = { kind: 'connect', port, host: flags.host };
  else {
    scratch = await mkdtemp(join(tmpdir(), 'cityedge-sumo-'));
    const sc = await prepareScenario({
      network: 'junction',
      tls: 'static',
      demand: junctionDemand('emergency', 900),
      dir: scratch,
    });
    target = { kind: 'launch', args: ['-c', sc.sumocfg] };
  }
  try {
    const r = await runControlled({
      target,
      bindings,
      factory: cityEdgeController,
      priority: flags.priority,
      ...(endS !== undefined ? { endS } : {}),
    });
    console.log(
      `${r.sumoVersion}: ${r.steps} steps to t=${r.endTimeS} s; departed ${r.departed}, arrived ${r.arrived}, teleports ${r.teleports}`,
    );
    console.log(
      `emergency vehicles ${r.emergencyVehicles.length}, priority requests ${r.priorityRequests}, check-outs ${r.checkOuts}`,
    );
    const rejected = Object.entries(r.rejected);
    if (rejected.length)
      console.log(`controller rejected inputs: ${rejected.map(([c, n]) => `${c}=${n}`).join(', ')}`);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function linksCommand(flags: {
  sumocfg?: string;
  port?: string;
  host: string;
  tls?: string;
}): Promise<void> {
  const port = flags.sumocfg
    ? undefined
    : resolveNumber('--port', flags.port, process.env.SUMO_PORT, process.env.PORT);
  const launched = flags.sumocfg ? await launchSumo(['-c', flags.sumocfg]) : undefined;
  if (!launched && port === undefined)
    throw new CityEdgeError('SIM_SUMO_BAD_OPTION', 'give --sumocfg or --port');
  const client = launched?.client ?? (await TraciClient.connect({ port: port ?? 0, host: flags.host }));
  try {
    const ids = flags.tls ? [flags.tls] : await client.trafficLight.getIdList();
    for (const id of ids) {
      const links = await client.trafficLight.getControlledLinks(id);
      console.log(`TLS ${id}: ${links.length} links`);
      for (const [i, l] of links.entries()) {
        console.log(`  ${String(i).padStart(3)}  ${l.map((x) => `${x.fromLane} -> ${x.toLane}`).join(', ')}`);
      }
    }
    await client.close();
  } finally {
    client.destroy();
    await launched?.sumo.kill();
  }
}

/** Exit code 1 and a coded message for any failure (never a stack trace for bad input). */
function guarded<A extends unknown[]>(fn: (...a: A) => Promise<void>): (...a: A) => Promise<void> {
  return async (...a) => {
    try {
      await fn(...a);
    } catch (e) {
      const code = e instanceof CityEdgeError ? `${e.code}: ` : '';
      console.error(`sim sumo: ${code}${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerSumoSim(sim: Command): void {
  const sumo = sim
    .command('sumo')
    .description('run CityEdge signal controllers against SUMO over TraCI (1 s steps)')
    .option('--sumocfg <file>', 'launch sumo with this config on a free port')
    .option('--port <n>', 'connect to a running SUMO (--remote-port); env SUMO_PORT or PORT')
    .option('--host <host>', 'host of the running SUMO', '127.0.0.1')
    .option('--tls <id>', 'SUMO traffic light id (overrides the mapping); env SUMO_TLS_ID')
    .option('--intersection <file>', 'controller config + sumo mapping (repeatable)', collect)
    .option('--end <s>', 'stop at this simulation time; env SUMO_END')
    .option('--no-priority', 'ignore emergency vehicles (same controller without priority)')
    .action(guarded((flags: RunFlags) => runCommand(flags)));
  sumo
    .command('report')
    .description(
      'every junction × demand: SUMO static / actuated / delay_based vs CityEdge (delay, per approach, EV, safety)',
    )
    .option('--duration <s>', 'demand duration per scenario', '1800')
    .option('--seeds <n>', 'seeds per scenario (trips pooled)', '3')
    .option('--sites <names>', 'comma-separated subset: junction,tee,minor,arterial,skew')
    .option('--demands <names>', 'comma-separated subset: offpeak,peak,unbalanced,emergency')
    .option('--corridor', 'also run the 3-junction corridor comparison (EV priority)')
    .action(
      guarded(
        async (flags: {
          duration: string;
          seeds: string;
          sites?: string;
          demands?: string;
          corridor?: boolean;
        }) => {
          const durationS = resolveNumber('--duration', flags.duration) ?? 1800;
          const seeds = Math.max(1, Math.round(resolveNumber('--seeds', flags.seeds) ?? 1));
          const started = Date.now();
          const list = (v?: string) =>
            v
              ?.split(',')
              .map((x) => x.trim())
              .filter(Boolean);
          const sites = list(flags.sites);
          const demands = list(flags.demands) as FamilyDemandName[] | undefined;
          const rows = await runSiteReport({
            durationS,
            seeds,
            ...(sites ? { sites } : {}),
            ...(demands ? { demands } : {}),
            log: (l) => console.error(l),
          });
          console.log(
            `SUMO comparison: ${durationS} s of demand, ${seeds} seed(s), delay = tripinfo timeLoss, load average ${loadavg()
              .map((x) => x.toFixed(1))
              .join(' ')}\n`,
          );
          console.log(formatSiteTables(rows));
          if (flags.corridor) {
            const cor = await runReport({
              durationS,
              seeds,
              only: ['corridor'],
              log: (l) => console.error(l),
            });
            console.log(formatReport(cor));
          }
          console.log(`(ran in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
        },
      ),
    );
  // `links` takes --sumocfg/--port/--host/--tls from `sumo` (commander hands them to the parent)
  sumo
    .command('links')
    .description("print a traffic light's controlled links by index (uses --sumocfg/--port/--tls)")
    .action(guarded(() => linksCommand(sumo.opts<RunFlags>())));
}
