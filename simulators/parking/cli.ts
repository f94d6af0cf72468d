/** `cityedge sim parking --lot FILE`: a simulated car park (software in the loop). */
import type { Command } from 'commander';

export function registerParkingSim(sim: Command): void {
  sim
    .command('parking')
    .description('simulated car park: arrivals, plates, bay sensors, loops and barriers')
    .requiredOption('--lot <file>', 'lot YAML (controllers/parking/examples/campus-lot.yaml)')
    .action(async (opts: { lot: string }) => {
      const { runParkingCli } = await import('./run-cli.ts');
      await runParkingCli(opts);
    });
}
