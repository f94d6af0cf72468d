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

interface BrokerFlags {
  config?: string;
  mqttPort?: number;
  httpPort?: number;
  influx?: string;
  dataDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsPort?: number;
  httpsPort?: number;
  tlsOnly?: boolean;
}

/** Flags merged over the config file's values (a flag wins); the schema checks the result. */
function tlsFromFlags(base: unknown, opts: BrokerFlags): unknown {
  const flags = {
    ...(opts.tlsCert ? { certFile: opts.tlsCert } : {}),
    ...(opts.tlsKey ? { keyFile: opts.tlsKey } : {}),
    ...(opts.tlsCa ? { caFile: opts.tlsCa } : {}),
    ...(opts.tlsPort === undefined ? {} : { port: opts.tlsPort }),
    ...(opts.httpsPort === undefined ? {} : { httpsPort: opts.httpsPort }),
    ...(opts.tlsOnly ? { only: true } : {}),
  };
  if (Object.keys(flags).length === 0) return base;
  return { ...((base as object | undefined) ?? {}), ...flags };
}

export function register(program: Command): void {
  program
    .command('broker')
    .description('central MQTT broker (TCP, TLS, WebSocket /mqtt), ingest to InfluxDB and HTTP(S) API')
    .option('--config <file>', 'broker config (YAML or JSON); see docs/broker.md')
    .option('--mqtt-port <port>', 'MQTT TCP port (default 1883)', portArg)
    .option('--http-port <port>', 'HTTP API + MQTT over WebSocket at /mqtt (default 8080)', portArg)
    .option('--influx <url>', 'InfluxDB 1.x URL, e.g. http://127.0.0.1:8086 (ingest off when absent)')
    .option('--data-dir <dir>', 'SQLite, spool and secrets (default data/broker)')
    .option('--tls-cert <file>', 'PEM server certificate (chain) for MQTT TLS and HTTPS')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'CA signing device client certificates (CN = site.device), MQTT TLS only')
    .option('--tls-port <port>', 'MQTT over TLS port (default 8883 when a certificate is given)', portArg)
    .option(
      '--https-port <port>',
      'HTTPS API + MQTT over secure WebSocket at /mqtt (off unless given)',
      portArg,
    )
    .option('--tls-only', 'serve TLS only: no plain MQTT TCP, no plain HTTP/WebSocket (needs --https-port)')
    .action(async (opts: BrokerFlags) => {
      const file = opts.config ? loadConfigFile(opts.config) : { ok: true as const, value: {} };
      if (!file.ok) throw file.error;
      const base = (file.value ?? {}) as Record<string, unknown>;
      const influx = opts.influx ? { ...((base.influx as object) ?? {}), url: opts.influx } : base.influx;
      const tls = tlsFromFlags(base.tls, opts);
      const broker = await startBroker({
        ...base,
        ...(opts.mqttPort === undefined ? {} : { mqttPort: opts.mqttPort }),
        ...(opts.httpPort === undefined ? {} : { httpPort: opts.httpPort }),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        ...(influx ? { influx } : {}),
        ...(tls ? { tls } : {}),
      } as Parameters<typeof startBroker>[0]);
      const stop = () => void broker.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
