/**
 * `cityedge sim …`: simulators that impersonate hardware and traffic over the real interfaces.
 * Each simulator registers its own subcommand; only the one asked for is loaded, so `sim sumo`
 * does not pay for the camera renderer.
 */
import type { Command } from 'commander';

type SimRegister = (sim: Command) => void;
const simulators: Record<string, () => Promise<SimRegister>> = {
  parking: async () => (await import('./parking/cli.ts')).registerParkingSim,
  intersection: async () => (await import('./intersection/cli.ts')).registerIntersectionSim,
  sumo: async () => (await import('./sumo/cli.ts')).registerSumoSim,
  ev: async () => (await import('./ev/cli.ts')).registerEvSim,
  city: async () => (await import('./city/cli.ts')).registerCitySim,
};

export async function register(program: Command, argv: string[] = process.argv): Promise<void> {
  const sim = program
    .command('sim')
    .description('run a simulator against the real agent, controller or broker');
  const wanted = argv[3];
  const names = wanted && wanted in simulators ? [wanted] : Object.keys(simulators);
  for (const name of names) (await simulators[name]!())(sim);
}
