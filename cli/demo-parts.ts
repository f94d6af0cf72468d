/** The demo city's parts, each started for real and stopped in reverse order. */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../broker/index.ts';
import { buildDashboard } from '../dashboard/build.ts';
import { LOTS, writeCityPlan } from './demo-city.ts';
import { type RunningServer, requireBinary, startInfluxd } from '../simulators/infra/processes.ts';
import { adminSession, type DemoOptions, login } from './demo-env.ts';
import { startDemoEv } from './demo-ev.ts';
import { startDemoCorridor } from './demo-intersection.ts';
import { startDemoParking } from './demo-parking.ts';

export interface DemoParts {
  httpPort: number;
  mqttPort: number;
  influxUrl: string | null;
  operatorPassword: string;
  viewerPassword: string;
  summary(): string;
  stop(): Promise<void>;
}

type Stopper = () => Promise<void>;

export async function startDemoParts(opts: DemoOptions): Promise<DemoParts> {
  const stoppers: Stopper[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse())
      await stop().catch((e: unknown) => console.error('stop failed:', e));
  };
  try {
    return await startAll(opts, stoppers, stopAll);
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function startInflux(opts: DemoOptions, stoppers: Stopper[]): Promise<string | null> {
  if (!opts.influx) return null;
  try {
    requireBinary('influxd', 'influxdb');
  } catch (e) {
    console.warn(`InfluxDB not started: ${(e as Error).message}. History is disabled.`);
    return null;
  }
  const influx: RunningServer = await startInfluxd({ dir: join(opts.dir, 'influxdb') });
  stoppers.push(() => influx.stop());
  return `http://127.0.0.1:${influx.port}`;
}

async function startAll(opts: DemoOptions, stoppers: Stopper[], stopAll: Stopper): Promise<DemoParts> {
  await mkdir(join(opts.dir, 'influxdb'), { recursive: true });
  const dashboardDir = await buildDashboard(join(opts.dir, 'dashboard'));
  const influxUrl = await startInflux(opts, stoppers);
  const cityPlan = await writeCityPlan(opts.dir);
  const broker = await startBroker({
    cityPlan,
    mqttPort: opts.mqttPort,
    httpPort: opts.httpPort,
    host: '127.0.0.1',
    dataDir: join(opts.dir, 'broker'),
    dashboardDir,
    admin: { username: 'admin', password: opts.adminPassword },
    logLevel: 'warn',
    ...(influxUrl ? { influx: { url: influxUrl } } : {}),
  });
  stoppers.push(() => broker.close());
  const admin = await adminSession(broker.httpPort, opts.adminPassword);
  const operatorPassword = randomBytes(6).toString('hex');
  const viewerPassword = randomBytes(6).toString('hex');
  await admin.post('/api/users', { username: 'operator', password: operatorPassword, role: 'operator' });
  await admin.post('/api/users', { username: 'viewer', password: viewerPassword, role: 'viewer' });
  const operatorToken = await login(broker.httpPort, 'operator', operatorPassword);
  const env = {
    mqttUrl: `mqtt://127.0.0.1:${broker.mqttPort}`,
    dir: opts.dir,
    admin,
    // Dashboard users connect over MQTT with their token as the password (docs/api.md).
    operator: { username: 'operator', password: operatorToken },
  };
  const parks: Array<{ summary(): string; stop(): Promise<void> }> = [];
  for (const [i, lot] of LOTS.entries()) {
    const park = await startDemoParking(env, opts, { ...lot, ocr: i === 0, seed: 2026 + i });
    stoppers.push(park.stop);
    parks.push(park);
  }
  const corridor = await startDemoCorridor(env);
  stoppers.push(corridor.stop);
  const ev = await startDemoEv(env, broker.httpPort, opts.evEveryS ?? 240);
  stoppers.push(ev.stop);
  return {
    httpPort: broker.httpPort,
    mqttPort: broker.mqttPort,
    influxUrl,
    operatorPassword,
    viewerPassword,
    summary: () =>
      `${new Date().toISOString()}  ${parks.map((p) => p.summary()).join('  |  ')}  |  ${corridor.summary()}  |  ${ev.summary()}`,
    stop: stopAll,
  };
}
