import { Command } from 'commander';
const program = new Command('x').enablePositionalOptions();
const sim = program.command('sim').enablePositionalOptions();
const sumo = sim
  .command('sumo')
  .enablePositionalOptions()
  .option('--sumocfg <f>')
  .action((f) => console.log('parent', f));
sumo
  .command('links')
  .option('--sumocfg <f>')
  .action((f, c) => console.log('links', f, c.opts()));
await program.parseAsync(['node', 'x', 'sim', 'sumo', 'links', '--sumocfg', '/dev/null']);
