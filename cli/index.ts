/**
 * `cityedge` command line. Each subcommand lives beside the feature it drives and is loaded
 * lazily, so `cityedge lpr` does not pay for aedes and `cityedge edge` does not load tesseract.
 */
import { Command } from 'commander';

type Loader = () => Promise<{ register: (program: Command) => void | Promise<void> }>;

const subcommands: Record<string, Loader> = {
  signals: () => import('./signals.ts'),
  parking: () => import('../controllers/parking/cli.ts'),
  lpr: () => import('../edge/lpr/cli.ts'),
  edge: () => import('../edge/cli.ts'),
  broker: () => import('../broker/cli.ts'),
  sim: () => import('../simulators/cli.ts'),
  demo: () => import('./demo.ts'),
};

export async function main(argv: string[]): Promise<void> {
  const program = new Command('cityedge')
    .description('CityEdge: smart-city edge controller for parking lots and signalised intersections')
    .showHelpAfterError();
  const wanted = argv[2];
  // Register only the requested subcommand when known; all of them for --help and unknown words.
  const names = wanted && wanted in subcommands ? [wanted] : Object.keys(subcommands);
  for (const name of names) {
    const mod = await subcommands[name]!();
    await mod.register(program);
  }
  await program.parseAsync(argv);
}

await main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
