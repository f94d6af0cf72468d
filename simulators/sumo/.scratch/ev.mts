import { Command } from 'commander';
import { registerEvSim } from '../../ev/cli.ts';
const program = new Command('cityedge');
registerEvSim(program.command('sim'));
await program.parseAsync(['node', 'cityedge', 'sim', ...process.argv.slice(2)]);
