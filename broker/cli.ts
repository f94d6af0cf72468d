/** `cityedge broker`: runs the central broker until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { CityEdgeError } from '../core/errors.ts';
import { loadConfigFile } from './config.ts';
import { startBroker } from './index.ts';

const portArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CityEdgeError('CONFIG_BAD_PORT', `bad port ${v}`);
  return n;
};

export function register(program: Command): void {
  program
    .command('broker')
    .description('central MQTT broker (TCP, TLS, WebSocket /mqtt), ingest to InfluxDB and HTTP API')
    .option('--config <file>', 'broker config (YAML or JSON); see docs/broker.md')
    .option('--mqtt-port <port>', 'MQTT TCP port (default 1883)', portArg)
    .option('--http-port <port>', 'HTTP API + MQTT over WebSocket at /mqtt (default 8080)', portArg)
    .option('--influx <url>', 'InfluxDB 1.x URL, e.g. http://127.0.0.1:8086 (ingest off when absent)')
    .option('--data-dir <dir>', 'SQLite, spool and secrets (default data/broker)')
    .action(
      async (opts: {
        config?: string;
        mqttPort?: number;
        httpPort?: number;
        influx?: string;
        dataDir?: string;
      }) => {
        const file = opts.config ? loadConfigFile(opts.config) : { ok: true as const, value: {} };
        if (!file.ok) throw file.error;
        const base = (file.value ?? {}) as Record<string, unknown>;
        const influx = opts.influx ? { ...((base.influx as object) ?? {}), url: opts.influx } : base.influx;
        const broker = await startBroker({
          ...base,
          ...(opts.mqttPort === undefined ? {} : { mqttPort: opts.mqttPort }),
          ...(opts.httpPort === undefined ? {} : { httpPort: opts.httpPort }),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          ...(influx ? { influx } : {}),
        } as Parameters<typeof startBroker>[0]);
        const stop = () => void broker.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}
