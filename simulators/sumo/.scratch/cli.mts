import { Command } from 'commander';
import { registerSumoSim } from '../cli.ts';
const program = new Command('cityedge');
registerSumoSim(program.command('sim'));
await program.parseAsync(['node', 'cityedge', 'sim', ...process.argv.slice(2)]);
