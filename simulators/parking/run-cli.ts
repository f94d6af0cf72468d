/** Placeholder until the simulator lands: validates the lot so the command is usable. */
import { readFileSync } from 'node:fs';
import { parseLotYaml } from '../../controllers/parking/index.ts';

export async function runParkingCli(opts: { lot: string }): Promise<void> {
  const lot = parseLotYaml(readFileSync(opts.lot, 'utf8'));
  if (!lot.ok) {
    for (const e of lot.errors) console.error(`${e.code} ${e.message}`);
    process.exitCode = 1;
    return;
  }
  console.log(`lot ${lot.value.id}: simulator not implemented yet`);
}
