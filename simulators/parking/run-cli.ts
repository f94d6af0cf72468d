/** The `sim parking` command: load the lot, run the simulator, print a report, exit non-zero on a mismatch. */
import { readFileSync } from 'node:fs';
import { parseLotYaml, parseRegistryYaml } from '../../controllers/parking/index.ts';
import { runInProcess } from './in-process.ts';
import type { PlateTally } from './plates.ts';
import type { SimReport } from './report.ts';

function num(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${v}"`);
  return n;
}

/** Mismatches between the simulator's truth and what the controller recorded. */
export function mismatches(r: SimReport): string[] {
  const out: string[] = [];
  if (r.controller.entries !== r.truth.entered)
    out.push(`entries ${r.controller.entries} ≠ ${r.truth.entered}`);
  if (r.controller.exits !== r.truth.exited) out.push(`exits ${r.controller.exits} ≠ ${r.truth.exited}`);
  if (r.controller.counts.gateCount !== r.truth.inside)
    out.push(`inside ${r.controller.counts.gateCount} ≠ ${r.truth.inside}`);
  return out;
}

/** Passage plate reads: what the LPR benchmark promises, measured on the whole system. */
export function platesLine(p: PlateTally): string {
  const rate = p.exactRate === null ? '–' : `${(p.exactRate * 100).toFixed(1)}%`;
  const head = `plates: ${p.exact}/${p.passages} passages read exactly (${rate}), ${p.wrong} wrong, ${p.unread} unreadable, ${p.unframed} without a frame`;
  return p.misreads.length ? `${head}; misreads ${p.misreads.join(' ')}` : head;
}

/** The `cityedge sim parking` flags as commander hands them over (see cli.ts). */
export interface ParkingSimCliOptions {
  lot: string;
  registry: string;
  hours: string;
  speed: string;
  seed: string;
  demand: string;
  faults: boolean;
  agent: boolean;
  json: boolean;
}

export async function runParkingCli(o: ParkingSimCliOptions): Promise<number> {
  const lot = parseLotYaml(readFileSync(o.lot, 'utf8'));
  const registry = parseRegistryYaml(readFileSync(o.registry, 'utf8'));
  const errors = [...(lot.ok ? [] : lot.error), ...(registry.ok ? [] : registry.error)];
  if (!lot.ok || !registry.ok) {
    for (const e of errors) console.error(`${e.code} ${e.message}`);
    return 1;
  }
  const faults = o.faults ? { sensorDropout: 0.2, cameraTimeout: 0.1, serialByteError: 0.001 } : {};
  const input = {
    durationMs: num(o.hours, 'hours') * 3_600_000,
    speed: num(o.speed, 'speed'),
    seed: Math.floor(num(o.seed, 'seed')),
    demand: num(o.demand, 'demand'),
    rates: faults,
  };
  const r = o.agent
    ? await (await import('./with-agent.ts')).runWithAgent(lot.value, registry.value, input, {
        registryPath: o.registry,
      })
    : await runInProcess(lot.value, registry.value, input);
  const bad = mismatches(r);
  if (o.json) console.log(JSON.stringify({ ...r, mismatches: bad }, null, 2));
  else {
    const c = r.controller;
    console.log(
      [
        `simulated ${(r.simulatedMs / 3_600_000).toFixed(2)} h in ${(r.wallMs / 1000).toFixed(1)} s (×${r.speedAchieved})`,
        `truth: ${r.truth.arrivals} arrivals, ${r.truth.entered} entered, ${r.truth.exited} exited, ${r.truth.refused} refused, ${r.truth.inside} inside, ${r.truth.parked} parked`,
        `controller: ${c.entries} entries, ${c.exits} exits, occupied ${c.counts.occupiedSpotNumber}/${c.counts.totalSpotNumber}, bays occupied ${c.counts.bayOccupied}, unknown ${c.counts.unknownSpotNumber}`,
        `alarms: ${JSON.stringify(c.alarms)}; reviews ${c.reviews}; exits matched fuzzily ${c.fuzzyExitMatches}, ambiguous ${c.ambiguousExits}, unmatched ${c.unmatchedExits}; mean stay ${c.meanStayMin ?? '–'} min`,
        platesLine(r.plates),
        `serial: ${r.serial.frames} frames, ${r.serial.badCrc} bad CRC; cameras: ${r.cameras.snapshots} snapshots, ${r.cameras.hung} hung`,
        ...('agentErrors' in r ? [`agent errors: ${JSON.stringify(r.agentErrors)}`] : []),
        bad.length ? `MISMATCH: ${bad.join('; ')}` : 'every entry and exit detected, counts reconciled',
      ].join('\n'),
    );
  }
  return bad.length ? 2 : 0;
}
