/**
 * `cityedge edge --config site.yaml`: runs the edge agent for one site. JSON logs on stdout
 * (journald on the Pi). SIGTERM/SIGINT stop cleanly (retained `offline`, queue flushed); an
 * unexpected exception exits non-zero so systemd's Restart=always brings the agent back, and the
 * durable queue replays whatever was not yet acknowledged.
 */
import type { Command } from 'commander';
import { startAgent } from './agent/agent.ts';
import { loadEdgeConfig } from './config/load.ts';

export function register(program: Command): void {
  program
    .command('edge')
    .description('run the edge agent for one site (car park, intersection or both)')
    .requiredOption('-c, --config <file>', 'site YAML (see edge/examples/)')
    .option('--check', 'validate the config (and referenced lot/intersection files) and exit')
    .action(async (opts: { config: string; check?: boolean }) => {
      const loaded = loadEdgeConfig(opts.config);
      if (!loaded.ok) {
        console.error(`${loaded.error.code}: ${loaded.error.message}`);
        process.exitCode = 2;
        return;
      }
      if (opts.check) {
        const { checkDomainConfigs } = await import('./agent/check.ts');
        const checked = await checkDomainConfigs(loaded.value.config);
        if (!checked.ok) {
          console.error(`${checked.error.code}: ${checked.error.message}`);
          process.exitCode = 2;
          return;
        }
        console.log(
          `${opts.config}: ok (site ${loaded.value.config.site}, device ${loaded.value.config.device})`,
        );
        return;
      }
      const agent = await startAgent(loaded.value);
      if (!agent.ok) {
        console.error(`${agent.error.code}: ${agent.error.message}`);
        process.exitCode = 1;
        return;
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        void agent.value
          .stop()
          .finally(() => process.exit(signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('uncaughtException', (e) => {
        console.error(JSON.stringify({ level: 60, msg: 'uncaught exception', err: String(e?.stack ?? e) }));
        stop('crash');
      });
    });
}
