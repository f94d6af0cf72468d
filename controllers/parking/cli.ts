/** `cityedge parking …`: validate a lot file and registry (errors name the field). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseLotYaml, parseRegistryYaml } from './config.ts';
import type { ConfigResult } from './errors.ts';

function report<T>(label: string, r: ConfigResult<T>, summary: (v: T) => string): boolean {
  if (r.ok) {
    console.log(`${label}: ok (${summary(r.value)})`);
    return true;
  }
  for (const e of r.error) console.error(`${label}: ${e.code} ${e.message}`);
  return false;
}

export function register(program: Command): void {
  const parking = program.command('parking').description('smart-parking controller tools');
  parking
    .command('validate')
    .description('validate a lot configuration and optionally a vehicle registry')
    .requiredOption('--lot <file>', 'lot YAML, e.g. controllers/parking/examples/campus-lot.yaml')
    .option('--registry <file>', 'registry YAML')
    .action((opts: { lot: string; registry?: string }) => {
      let ok = report('lot', parseLotYaml(readFileSync(opts.lot, 'utf8')), (l) => {
        return `${l.id}: ${l.lanes.length} lanes, ${l.bays.length} bays, capacity ${l.capacity}`;
      });
      if (opts.registry) {
        const r = parseRegistryYaml(readFileSync(opts.registry, 'utf8'));
        ok = report('registry', r, (v) => `${v.vehicles.length} vehicles`) && ok;
        for (const w of r.ok ? r.value.warnings : []) console.warn(`registry: warning: ${w}`);
      }
      if (!ok) process.exitCode = 1;
    });
}
