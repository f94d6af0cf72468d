/**
 * Builds a family junction: plain XML from `geometry.ts` → `netconvert` → `.net.xml`, with SUMO's
 * own program of the chosen type (static, actuated or delay_based) generated from the same sources.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sumoEnv } from '../launch.ts';
import type { TlsType } from '../scenarios/build.ts';
import { type JunctionSpec, plainXml } from './geometry.ts';

const run = promisify(execFile);

export async function buildFamilyNet(j: JunctionSpec, tls: TlsType, dir: string): Promise<string> {
  const xml = plainXml(j);
  const base = join(dir, j.name);
  await writeFile(`${base}.nod.xml`, xml.nod);
  await writeFile(`${base}.edg.xml`, xml.edg);
  await writeFile(`${base}.con.xml`, xml.con);
  const out = `${base}.${tls}.net.xml`;
  await run(
    'netconvert',
    [
      '-n',
      `${base}.nod.xml`,
      '-e',
      `${base}.edg.xml`,
      '-x',
      `${base}.con.xml`,
      '--no-turnarounds',
      'true',
      '--tls.default-type',
      tls,
      '--no-warnings',
      'true',
      '-o',
      out,
    ],
    { env: sumoEnv() },
  );
  return out;
}
