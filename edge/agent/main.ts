/**
 * Production entry point of the edge agent (`node dist/edge-agent.mjs --config site.yaml`), bundled
 * by deploy/build.ts with esbuild so the Pi runs plain JavaScript: no TypeScript loader in memory.
 */
import { Command } from 'commander';
import { register } from '../cli.ts';

const program = new Command('cityedge-edge');
register(program);
await program.parseAsync([process.argv[0] ?? 'node', 'cityedge', 'edge', ...process.argv.slice(2)]);
