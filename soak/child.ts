/**
 * One process of the soak city, forked by soak/run.ts: `broker`, `parking` or `intersection`.
 * Each is the demo city's own part (cli/demo-*.ts) in its own process, so its memory, event loop
 * and queue are measured alone. Answers `{type:'sample'}` over IPC with its event-loop lag since
 * the last sample, heap and queue depth; `{type:'stop'}` stops it cleanly.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBroker } from '../broker/index.ts';
import { CORRIDOR, LOTS } from '../cli/demo-city.ts';
import { adminSession, type DemoEnv, login } from '../cli/demo-env.ts';
import { startJunction } from '../cli/demo-intersection.ts';
import { startDemoParking } from '../cli/demo-parking.ts';
import type { EmergencySpec } from '../simulators/traffic/types.ts';

export interface ChildInit {
  role: 'broker' | 'parking' | 'intersection';
  dir: string;
  adminPassword: string;
  /** Simulated seconds per wall second (10 = ten times the demo's rate). */
  rate: number;
  /** Epoch ms the devices' simulated clocks start at (behind wall time, see soak/run.ts). */
  startMs: number;
  ocr: boolean;
  influxUrl?: string;
  httpPort?: number;
  mqttPort?: number;
  operatorPassword?: string;
}

export type ToChild = { type: 'init'; init: ChildInit } | { type: 'sample'; id: number } | { type: 'stop' };
export type FromChild =
  | { type: 'ready'; httpPort?: number; mqttPort?: number }
  | {
      type: 'sample';
      id: number;
      lagP99Ms: number;
      lagMaxMs: number;
      heapUsedMiB: number;
      /** Memory outside the JS heap that V8 tracks (Buffers, wasm such as tesseract's): where RSS goes when the heap is flat. */
      externalMiB: number;
      queue: number | null;
    }
  | { type: 'error'; message: string };

const send = (m: FromChild) => process.send?.(m);

/** The environment cli/demo-parts.ts hands the demo's parts, rebuilt over HTTP in this process. */
async function demoEnv(init: ChildInit): Promise<DemoEnv> {
  const http = init.httpPort!;
  return {
    mqttUrl: `mqtt://127.0.0.1:${init.mqttPort}`,
    dir: init.dir,
    admin: await adminSession(http, init.adminPassword),
    operator: { username: 'operator', password: await login(http, 'operator', init.operatorPassword!) },
  };
}

/** The demo corridor's first junction (cli/demo-intersection.ts) at `rate` × real time. */
async function startIntersection(env: DemoEnv, init: ChildInit): Promise<() => Promise<void>> {
  const approaches = ['eastbound', 'northbound', 'westbound', 'southbound'];
  // An ambulance every ten simulated minutes on alternating approaches, run by the microsimulator.
  const emergencies: EmergencySpec[] = Array.from({ length: 144 }, (_, i) => ({
    vehicleId: `ambulance-${i + 1}`,
    movement: `${approaches[i % 4]}.through`,
    appearAtS: 120 + i * 600,
    distanceM: 300,
    speedMps: 15,
  }));
  const junction = await startJunction(env, CORRIDOR[0]!, {
    seed: 2026,
    speed: init.rate,
    startMs: init.startMs,
    emergencies,
    onFailure: (message) => send({ type: 'error', message }),
  });
  return junction.stop;
}

async function start(init: ChildInit): Promise<{ stop: () => Promise<void>; queue: () => number | null }> {
  if (init.role === 'broker') {
    const broker = await startBroker({
      mqttPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      dataDir: join(init.dir, 'broker'),
      admin: { username: 'admin', password: init.adminPassword },
      logLevel: 'warn',
      ...(init.influxUrl ? { influx: { url: init.influxUrl } } : {}),
    });
    send({ type: 'ready', httpPort: broker.httpPort, mqttPort: broker.mqttPort });
    return {
      stop: () => broker.close(),
      queue: () => {
        const s = broker.ingest?.status();
        return s ? s.pendingPoints + s.spooledPoints : null;
      },
    };
  }
  const env = await demoEnv(init);
  const stop =
    init.role === 'parking'
      ? (
          await startDemoParking(
            env,
            {
              dir: init.dir,
              adminPassword: init.adminPassword,
              httpPort: init.httpPort!,
              mqttPort: init.mqttPort!,
              speed: init.rate,
              startMs: init.startMs,
              influx: true,
              ocr: init.ocr,
            },
            { ...LOTS[0]!, ocr: init.ocr, seed: 2026 },
          )
        ).stop
      : await startIntersection(env, init);
  send({ type: 'ready' });
  // The agents' outbox depth arrives in their health telemetry; the monitor reads it there.
  return { stop, queue: () => null };
}

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let running: Awaited<ReturnType<typeof start>> | undefined;
process.on('message', (m: ToChild) => {
  if (m.type === 'init')
    start(m.init).then(
      (r) => {
        running = r;
      },
      (e: unknown) => {
        send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
        process.exit(1);
      },
    );
  else if (m.type === 'sample') {
    send({
      type: 'sample',
      id: m.id,
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
      externalMiB: process.memoryUsage().external / 2 ** 20,
      queue: running?.queue() ?? null,
    });
    lag.reset();
  } else if (m.type === 'stop') void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
// The parent going away (Ctrl-C, crash) must not leave this process behind.
process.on('disconnect', () => process.exit(0));
