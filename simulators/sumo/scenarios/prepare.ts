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
  const routes = await writeRoutes(o.demand, o.dir);
  const det = await writeDetectors(netPath, o.dir, `${o.network}.${o.tls}`);
  const tripinfoPath = join(o.dir, `${label}.tripinfo.xml`);
  const statisticsPath = join(o.dir, `${label}.stats.xml`);
  const sumocfg = join(o.dir, `${label}.sumocfg`);
  // time-to-teleport stays at SUMO's default (300 s): a teleport means a real jam, which tests catch.
  await writeFile(
    sumocfg,
    `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <input>
    <net-file value="${netPath}"/>
    <route-files value="${routes}"/>
    <additional-files value="${det}"/>
  </input>
  <time><begin value="0"/><step-length value="1"/></time>
  <random_number><seed value="${o.demand.seed}"/></random_number>
  <output><tripinfo-output value="${tripinfoPath}"/><statistic-output value="${statisticsPath}"/></output>
  <report><no-step-log value="true"/><no-warnings value="true"/><duration-log.disable value="true"/></report>
</configuration>
`,
  );
  return { dir: o.dir, sumocfg, netPath, tripinfoPath, statisticsPath, demand: o.demand };
}
