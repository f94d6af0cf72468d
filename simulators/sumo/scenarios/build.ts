/**
 * Builds the scenario networks from the committed plain-XML sources with `netconvert`, into a
 * working directory (generated files are not committed, so they always match their sources).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sumoEnv } from '../launch.ts';

const run = promisify(execFile);
const here = import.meta.dirname;

/** SUMO's own program types netconvert can generate [SUMO docs: Simulation/Traffic_Lights]. */
export type TlsType = 'static' | 'actuated' | 'delay_based';
export type NetworkName = 'junction' | 'corridor';

/** Path of a committed scenario source file. */
export function scenarioFile(network: NetworkName, file: string): string {
  return join(here, network, file);
}

/** Runs netconvert; the TLS type decides whether SUMO's own program is fixed-time or actuated. */
export async function buildNet(network: NetworkName, tls: TlsType, outDir: string): Promise<string> {
  const out = join(outDir, `${network}.${tls}.net.xml`);
  const args = [
    '-n',
    scenarioFile(network, `${network}.nod.xml`),
    '-e',
    scenarioFile(network, `${network}.edg.xml`),
    ...(network === 'junction' ? ['-x', scenarioFile(network, `${network}.con.xml`)] : []),
    '--no-turnarounds',
    'true',
    '--tls.default-type',
    tls,
    '--no-warnings',
    'true',
    '-o',
    out,
  ];
  await run('netconvert', args, { env: sumoEnv() });
  return out;
}
