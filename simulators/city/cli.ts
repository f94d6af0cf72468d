/** `sim city --lots N --intersections M`: load generator of N+M virtual edge devices. */
import type { Command } from 'commander';
import { provision } from './provision.ts';
import { cityDevices, formatStats, runCitySim } from './run.ts';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};

interface Opts {
  lots: number;
  intersections: number;
  url: string;
  site: string;
  duration: number;
  rateScale: number;
  password: string;
  api?: string;
  admin?: string;
  monitor?: string;
}

export function registerCitySim(sim: Command): void {
  sim
    .command('city')
    .description('load generator: N lot gateways + M signal controllers as real MQTT clients')
    .option('--lots <n>', 'parking-lot gateways', int, 10)
    .option('--intersections <n>', 'signal controllers', int, 10)
    .option('--url <url>', 'broker MQTT URL', 'mqtt://127.0.0.1:1883')
    .option('--site <id>', 'site id of every virtual device', 'sim')
    .option('--duration <s>', 'seconds to run', int, 30)
    .option('--rate-scale <k>', 'multiply every message rate', Number, 1)
    .option('--password <pw>', 'device password (username site.device)', 'sim-password')
    .option('--api <url>', 'broker HTTP API: register the devices first (needs --admin)')
    .option('--admin <user:password>', 'admin credentials for --api')
    .option(
      '--monitor <url>',
      'subscribe here (e.g. ws://host:8080/mqtt) and measure latency; uses the --admin token',
    )
    .action(async (o: Opts) => {
      let token: string | undefined;
      const [user, ...pw] = (o.admin ?? '').split(':');
      if (o.api) {
        if (!user || pw.length === 0) throw new Error('--api needs --admin user:password');
        ({ token } = await provision(
          o.api,
          { username: user, password: pw.join(':') },
          cityDevices(o.site, o.lots, o.intersections),
          o.password,
        ));
      }
      const stats = await runCitySim({
        url: o.url,
        site: o.site,
        lots: o.lots,
        intersections: o.intersections,
        durationS: o.duration,
        rateScale: o.rateScale,
        password: o.password,
        ...(o.monitor
          ? {
              monitor: {
                url: o.monitor,
                ...(user ? { username: user } : {}),
                ...(token ? { password: token } : {}),
              },
            }
          : {}),
        onProgress: (s) =>
          process.stdout.write(
            `\r${s.seconds.toFixed(0)} s: ${s.sentPerS.toFixed(0)} msgs/s sent, p99 ${s.latencyMs.p99} ms   `,
          ),
      });
      process.stdout.write('\n');
      console.log(formatStats(stats));
    });
}
