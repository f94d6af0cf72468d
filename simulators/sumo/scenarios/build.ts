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

/** Plain-XML sources of one network (connections optional: netconvert guesses them otherwise). */
export interface PlainXml {
  nod: string;
  edg: string;
  con?: string;
}

/** Runs netconvert on plain XML; the TLS type decides whether SUMO's own program is fixed-time or actuated. */
export async function netconvert(src: PlainXml, tls: TlsType, out: string): Promise<string> {
  const args = [
    '-n',
    src.nod,
    '-e',
    src.edg,
    ...(src.con ? ['-x', src.con] : []),
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

/** Builds a committed scenario network into `outDir`. */
export async function buildNet(network: NetworkName, tls: TlsType, outDir: string): Promise<string> {
  const file = (ext: string) => scenarioFile(network, `${network}.${ext}.xml`);
  const src = { nod: file('nod'), edg: file('edg'), ...(network === 'junction' ? { con: file('con') } : {}) };
  return netconvert(src, tls, join(outDir, `${network}.${tls}.net.xml`));
}
