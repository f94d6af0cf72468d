/** `cityedge sim parking --lot FILE`: a simulated car park (software in the loop). */
import type { Command } from 'commander';
import type { ParkingSimCliOptions } from './run-cli.ts';

export function registerParkingSim(sim: Command): void {
  sim
    .command('parking')
    .description(
      'simulated car park: arrivals on a campus profile, plates on HTTP cameras, bay sensors on a socat pty, ' +
        'loops/limits/barriers on simulated GPIO; runs the parking controller in-process and checks every entry/exit',
    )
    .requiredOption('--lot <file>', 'lot YAML (controllers/parking/examples/campus-lot.yaml)')
    .option('--registry <file>', 'registry YAML', 'controllers/parking/examples/registry.yaml')
    .option('--hours <h>', 'simulated hours', '1')
    .option('--speed <x>', 'simulated ms per wall ms', '120')
    .option('--seed <n>', 'random seed', '1')
    .option('--demand <x>', 'multiplier on the arrival profile', '1')
    .option('--faults', 'inject sensor dropouts, corrupted serial bytes and camera timeouts', false)
    .option(
      '--agent',
      'run the real edge agent (with its LPR) against the simulator instead of the bare controller',
      false,
    )
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: ParkingSimCliOptions) => {
      const { runParkingCli } = await import('./run-cli.ts');
      process.exitCode = await runParkingCli(opts);
    });
}
