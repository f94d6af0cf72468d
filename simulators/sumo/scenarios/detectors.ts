/**
 * Detectors on every lane a traffic light controls, written as an additional file: a stop-bar
 * presence zone (SUMO lane-area / E2, id `e2_<laneId>`) and an advance loop (E1, id `adv_<laneId>` —
 * any id works: the `sumo:` mapping declares each detector's kind) 55 m upstream of the stop line —
 * on the lane feeding it when the lane is a shorter pocket section (`net.ts` `upstreamSite`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseNet, upstreamSite } from '../net.ts';

/** Advance loop distance upstream of the stop line (capped by the lane length). */
export const ADVANCE_LOOP_M = 55;

/** Detection zone length: a 30 m stop-bar zone, typical of presence loops/video zones. */
export const STOP_BAR_ZONE_M = 30;

export interface ControlledLane {
  readonly tls: string;
  readonly laneId: string;
  readonly lengthM: number;
}

/** Incoming lanes of each traffic light, read from a generated .net.xml. */
export function controlledLanes(netXml: string): ControlledLane[] {
  const lengths = new Map<string, number>();
  for (const m of netXml.matchAll(/<lane id="([^"]+)"[^>]*?length="([\d.]+)"/g)) {
    lengths.set(m[1] ?? '', Number(m[2]));
  }
  const seen = new Set<string>();
  const out: ControlledLane[] = [];
  for (const m of netXml.matchAll(/<connection from="([^"]+)"[^>]*?fromLane="(\d+)"[^>]*?tl="([^"]+)"/g)) {
    const laneId = `${m[1]}_${m[2]}`;
    const key = `${m[3]}/${laneId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ tls: m[3] ?? '', laneId, lengthM: lengths.get(laneId) ?? 0 });
  }
  return out;
}

/** Where the advance loop of a controlled lane sits; by default on the lane, capped by its length. */
export type LoopSite = (l: ControlledLane) => { lane: string; posM: number };
const onLane: LoopSite = (l) => ({ lane: l.laneId, posM: Math.max(0.5, l.lengthM - ADVANCE_LOOP_M) });

export function detectorsXml(lanes: readonly ControlledLane[], site: LoopSite = onLane): string {
  const rows = lanes.map((l) => {
    const zone = Math.min(STOP_BAR_ZONE_M, l.lengthM - 0.5);
    const endPos = l.lengthM - 0.1;
    const loop = site(l);
    return [
      `  <laneAreaDetector id="e2_${l.laneId}" lane="${l.laneId}" pos="${(endPos - zone).toFixed(2)}" endPos="${endPos.toFixed(2)}" freq="3600" file="/dev/null"/>`,
      `  <inductionLoop id="adv_${l.laneId}" lane="${loop.lane}" pos="${loop.posM.toFixed(2)}" freq="3600" file="/dev/null"/>`,
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<additional>\n${rows.join('\n')}\n</additional>\n`;
}

/** Writes `<name>.det.xml` beside the net and returns its path. */
export async function writeDetectors(netPath: string, dir: string, name: string): Promise<string> {
  const xml = await readFile(netPath, 'utf8');
  const net = parseNet(xml);
  const path = join(dir, `${name}.det.xml`);
  await writeFile(
    path,
    detectorsXml(controlledLanes(xml), (l) => upstreamSite(net, l.laneId, ADVANCE_LOOP_M)),
  );
  return path;
}
