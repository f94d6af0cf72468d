/**
 * Prepares one runnable scenario in a working directory: network (netconvert), routes
 * (demand), stop-bar detectors and a .sumocfg that writes tripinfo output.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NetworkName, type TlsType, buildNet } from './build.ts';
import { type Demand, writeRoutes } from './demand.ts';
import { writeDetectors } from './detectors.ts';

export interface PreparedScenario {
  readonly dir: string;
  readonly sumocfg: string;
  readonly netPath: string;
  readonly tripinfoPath: string;
  /** SUMO's statistic output (teleports, totals). */
  readonly statisticsPath: string;
  readonly demand: Demand;
}

export interface PrepareOptions {
  readonly network: NetworkName;
  readonly tls: TlsType;
  readonly demand: Demand;
  readonly dir: string;
  /** Label used in file names so several runs can share a directory. */
  readonly label?: string;
}

export async function prepareScenario(o: PrepareOptions): Promise<PreparedScenario> {
  const label = o.label ?? `${o.demand.name}.${o.tls}`;
  const netPath = await buildNet(o.network, o.tls, o.dir);
  const det = await writeDetectors(netPath, o.dir, `${o.network}.${o.tls}`);
  return prepareRun({ netPath, detectorsPath: det, demand: o.demand, dir: o.dir, label });
}

export interface RunFiles {
  readonly netPath: string;
  readonly detectorsPath: string;
  readonly demand: Demand;
  readonly dir: string;
  readonly label: string;
}

/** Routes and a .sumocfg (tripinfo + statistics output) for an already built network. */
export async function prepareRun(o: RunFiles): Promise<PreparedScenario> {
  const routes = await writeRoutes({ ...o.demand, name: o.label }, o.dir);
  const tripinfoPath = join(o.dir, `${o.label}.tripinfo.xml`);
  const statisticsPath = join(o.dir, `${o.label}.stats.xml`);
  const sumocfg = join(o.dir, `${o.label}.sumocfg`);
  // time-to-teleport stays at SUMO's default (300 s): a teleport means a real jam, which tests catch.
  // Collisions are checked (SUMO's default) and counted in the statistic output.
  await writeFile(
    sumocfg,
    `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <input>
    <net-file value="${o.netPath}"/>
    <route-files value="${routes}"/>
    <additional-files value="${o.detectorsPath}"/>
  </input>
  <time><begin value="0"/><step-length value="1"/></time>
  <random_number><seed value="${o.demand.seed}"/></random_number>
  <output><tripinfo-output value="${tripinfoPath}"/><statistic-output value="${statisticsPath}"/></output>
  <report><no-step-log value="true"/><no-warnings value="true"/><duration-log.disable value="true"/></report>
</configuration>
`,
  );
  return { dir: o.dir, sumocfg, netPath: o.netPath, tripinfoPath, statisticsPath, demand: o.demand };
}
