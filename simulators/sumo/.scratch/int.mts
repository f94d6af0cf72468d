import { Command } from 'commander';
import { registerIntersectionSim } from '../../intersection/cli.ts';
const program = new Command('cityedge');
registerIntersectionSim(program.command('sim'));
await program.parseAsync(['node', 'cityedge', 'sim', ...process.argv.slice(2)]);
