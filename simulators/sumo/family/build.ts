/**
 * Builds a family junction: plain XML from `geometry.ts` → `netconvert` → `.net.xml`, with SUMO's
 * own program of the chosen type (static, actuated or delay_based) generated from the same sources.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { netconvert, type TlsType } from '../scenarios/build.ts';
import { type JunctionSpec, plainXml } from './geometry.ts';

export async function buildFamilyNet(j: JunctionSpec, tls: TlsType, dir: string): Promise<string> {
  const xml = plainXml(j);
  const base = join(dir, j.name);
  await writeFile(`${base}.nod.xml`, xml.nod);
  await writeFile(`${base}.edg.xml`, xml.edg);
  await writeFile(`${base}.con.xml`, xml.con);
  const src = { nod: `${base}.nod.xml`, edg: `${base}.edg.xml`, con: `${base}.con.xml` };
  return netconvert(src, tls, `${base}.${tls}.net.xml`);
}
