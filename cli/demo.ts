/**
 * `cityedge demo` (what `npm start` runs): the demo city on embedded defaults, every part real.
 * InfluxDB (Debian `influxd`) and the aedes broker start on free loopback ports; REAL edge
 * agents connect over MQTT: a car park driven by the lot simulator (bay sensors over a socat pty,
 * loops and barriers on simulated GPIO, plates rendered as camera frames and read by OCR), and an
 * intersection whose detectors are driven by the traffic microsimulator. The control room is
 * served by the broker. Ctrl-C stops everything and removes the temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { DemoOptions } from './demo-env.ts';
import { startDemoParts } from './demo-parts.ts';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'run the demo city: broker, InfluxDB, two car parks, a corridor of three intersections with emergency runs, and the control room',
    )
    .option('--http-port <port>', 'dashboard + API + MQTT/WebSocket port (0 = any free port)', '0')
    .option('--mqtt-port <port>', 'MQTT TCP port (0 = any free port)', '0')
    .option(
      '--speed <x>',
      'simulated seconds per real second for the car park (timestamps run ahead above 1)',
      '1',
    )
    .option('--minutes <n>', 'stop after this many real minutes (default: run until Ctrl-C)')
    .option('--no-influx', 'run without InfluxDB (history pages answer 503)')
    .option('--no-ocr', 'skip OCR: the lot simulator reports plates directly (faster on small machines)')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      await runDemo({
        httpPort: Number(flags.httpPort),
        mqttPort: Number(flags.mqttPort),
        speed: Number(flags.speed),
        influx: flags.influx !== false,
        ocr: flags.ocr !== false,
        ...(flags.minutes ? { minutes: Number(flags.minutes) } : {}),
      });
    });
}

export async function runDemo(opts: Omit<DemoOptions, 'dir' | 'adminPassword'> & { minutes?: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-demo-'));
  const adminPassword = process.env.CITYEDGE_ADMIN_PASSWORD ?? randomBytes(6).toString('hex');
  let stopping = false;
  const parts = await startDemoParts({ ...opts, dir, adminPassword }).catch(async (e: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the demo city…');
    await parts.stop();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.log(
    [
      '',
      `CityEdge demo city is running (state in ${dir})`,
      `  control room:  http://127.0.0.1:${parts.httpPort}/   sign in as admin / ${adminPassword}`,
      `                 (also operator / ${parts.operatorPassword} and viewer / ${parts.viewerPassword})`,
      `  MQTT:          mqtt://127.0.0.1:${parts.mqttPort}   (WebSocket: ws://127.0.0.1:${parts.httpPort}/mqtt)`,
      `  InfluxDB:      ${parts.influxUrl ?? 'off (history disabled)'}`,
      `  watch it:      mosquitto_sub -p ${parts.mqttPort} -u admin -P <token from /api/login> -t 'cityedge/v1/#' -v`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const timer = setInterval(() => console.log(parts.summary()), 30_000);
  timer.unref();
  if (opts.minutes) setTimeout(() => void stop(), opts.minutes * 60_000);
}
