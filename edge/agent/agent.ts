/**
 * The edge agent: one small controller (zigbee2mqtt style) that opens the IO wrappers (hardware,
 * durable queue, MQTT uplink) and starts each configured feature of the table in features.ts.
 * Health telemetry and the watchdog pulse live here because they span features.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import type { GpioBackend } from '../../core/ports/gpio.ts';
import { startWatchdog, type Watchdog } from '../bindings/index.ts';
import { type ResolvedConfig, readTlsFiles } from '../config/load.ts';
import { collectHealth, toHealthPayload } from '../health/index.ts';
import { type DurableQueue, openQueue } from '../queue/durable-queue.ts';
import { openSeenTransactions, seenPathFor } from '../uplink/seen.ts';
import { createUplink, type Uplink } from '../uplink/uplink.ts';
import { type Feature, type FeatureContext, type FeatureInstance, scopedContext } from './feature.ts';
import { FEATURES } from './features.ts';
import { type Hardware, openHardware } from './hardware.ts';
import { type AgentLog, createLog } from './log.ts';
import { createPublisher } from './publisher.ts';
import { type Clock, systemClock } from '../../core/ports/clock.ts';

export const AGENT_VERSION = readVersion();

export interface AgentOptions {
  /** Inject a GPIO backend (a SimulatedGpio shared with in-process simulators and benches). */
  gpio?: GpioBackend;
  log?: AgentLog;
  clock?: Clock;
  nowEpochMs?: () => number;
}

export interface Agent {
  readonly uplink: Uplink;
  readonly queue: DurableQueue;
  readonly hardware: Hardware;
  readonly features: FeatureInstance[];
  /** Port of the simulated-GPIO HTTP endpoint, when enabled. */
  simulatorPort(): number | null;
  /** Non-fatal errors by code since start. */
  errors(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startAgent(resolved: ResolvedConfig, opts: AgentOptions = {}): Promise<Result<Agent>> {
  const { config } = resolved;
  const { site, device } = config;
  const log = opts.log ?? createLog(config.log.level, { site, device });
  const clock = opts.clock ?? systemClock;
  const nowEpochMs = opts.nowEpochMs ?? Date.now;
  const errors: Record<string, number> = {};
  const count = (code: string, detail: string) => {
    errors[code] = (errors[code] ?? 0) + 1;
    log.warn({ code, detail }, 'counted error');
  };

  const tls = readTlsFiles(config);
  if (!tls.ok) return tls;
  const q = openQueue({
    path: config.queue.path,
    maxEntries: config.queue.maxEntries,
    maxBytes: Math.round(config.queue.maxMb * 1024 * 1024),
    maxAgeMs: Math.round(config.queue.maxAgeH * 3600_000),
  });
  if (!q.ok) return q;
  const queue = q.value;
  if (q.value.recoveredFrom) log.error({ movedTo: q.value.recoveredFrom }, 'corrupt queue moved aside');
  queue.onDrop((n, reason) =>
    log.warn({ dropped: n, reason }, 'queue bound reached: oldest entries dropped'),
  );
  queue.expire();
  const seen = openSeenTransactions(seenPathFor(config.queue.path));
  if (!seen.ok) {
    queue.close();
    return seen;
  }
  if (seen.value.skippedLines > 0)
    log.warn({ skipped: seen.value.skippedLines }, 'torn transaction record line');

  const uplink = createUplink(
    {
      url: config.mqtt.url,
      clientId: config.mqtt.clientId ?? `${site}.${device}`,
      site,
      device,
      ...(config.mqtt.username === undefined ? {} : { username: config.mqtt.username }),
      ...(resolved.password === undefined ? {} : { password: resolved.password }),
      ...(config.mqtt.tls
        ? {
            tls: {
              ...tls.value,
              rejectUnauthorized: config.mqtt.tls.rejectUnauthorized,
              ...(config.mqtt.tls.servername ? { servername: config.mqtt.tls.servername } : {}),
            },
          }
        : {}),
      keepaliveS: config.mqtt.keepaliveS,
      reconnectPeriodMs: config.mqtt.reconnectPeriodMs,
      inflightWindow: config.mqtt.inflightWindow,
      version: AGENT_VERSION,
      seen: seen.value,
      nowEpochMs,
      log,
    },
    queue,
  );
  uplink.commands.handle('ping', () => ok({ pong: true, version: AGENT_VERSION, queue: queue.stats() }));

  const hw = await openHardware(config.hardware, clock, opts.gpio);
  if (!hw.ok) {
    queue.close();
    seen.value.close();
    return hw;
  }
  const hardware = hw.value;
  const publisher = createPublisher(uplink, { site, device }, nowEpochMs, log);
  const ctx: FeatureContext = {
    config,
    site,
    device,
    hardware,
    publisher,
    commands: uplink.commands,
    clock,
    epochClock: {
      now: nowEpochMs,
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (id) => clock.clearTimeout(id),
    },
    nowEpochMs,
    log,
    count,
  };

  const features: FeatureInstance[] = [];
  const fail = async (e: CityEdgeError) => {
    for (const f of features) await f.stop().catch(() => undefined);
    await hardware.close();
    queue.close();
    seen.value.close();
    return err(e);
  };
  for (const feature of FEATURES) {
    if (feature.section(config) === undefined) continue;
    const started = await startFeature(feature, ctx);
    if (!started.ok) return fail(started.error);
    features.push(started.value);
  }
  let simPort: { port: number; close(): Promise<void> } | null = null;
  if (config.hardware.simulatorPort !== undefined && hardware.simulated) {
    const { startSimulatorPort } = await import('./sim-port.ts');
    try {
      simPort = await startSimulatorPort(hardware.simulated, config.hardware.simulatorPort);
    } catch (e) {
      return fail(new CityEdgeError('CONFIG_SIM_PORT', `hardware.simulatorPort: ${String(e)}`));
    }
  }
  uplink.start();

  const timers = startTimers(ctx, queue, features, uplink);
  const watchdog = await startWatchdogPulse(ctx);
  if (watchdog && !watchdog.ok) return fail(watchdog.error);
  log.info({ version: AGENT_VERSION, features: features.map((f) => f.name) }, 'agent started');

  return ok({
    uplink,
    queue,
    hardware,
    features,
    simulatorPort: () => simPort?.port ?? null,
    errors: () => ({ ...errors, ...publisher.errors() }),
    async stop() {
      for (const t of timers) clearInterval(t);
      await watchdog?.value.stop();
      await simPort?.close();
      for (const f of features)
        await f.stop().catch((e: unknown) => log.error({ err: String(e) }, 'feature stop'));
      queue.flush();
      await uplink.stop();
      await hardware.close();
      queue.close();
      seen.value.close();
      log.info({}, 'agent stopped');
    },
  });
}

function startTimers(ctx: FeatureContext, queue: DurableQueue, features: FeatureInstance[], uplink: Uplink) {
  const health = async () => {
    const parts = features.map((f) => f.health());
    const serial = parts.find((p) => p.serial)?.serial ?? null;
    const cameras = Object.assign({}, ...parts.map((p) => p.cameras ?? {}));
    const s = queue.stats();
    const snap = await collectHealth(
      { queueDepth: s.depth, queueDropped: s.dropped, serial, cameras },
      { diskPath: dirname(ctx.config.queue.path) },
    );
    ctx.publisher.publish('health', {}, { ...toHealthPayload(snap), intervalS: ctx.config.health.intervalS });
    ctx.log.info({ queue: s, uplink: uplink.stats() }, 'health');
  };
  return [
    setInterval(
      () => void health().catch((e: unknown) => ctx.count('HEALTH_FAILED', String(e))),
      ctx.config.health.intervalS * 1000,
    ),
    setInterval(() => queue.expire(), 60_000),
  ];
}

/** Starts one feature held to its declared topics and commands; a declaration slip fails the start. */
async function startFeature(feature: Feature, ctx: FeatureContext): Promise<Result<FeatureInstance>> {
  try {
    return await feature.start(scopedContext(ctx, feature));
  } catch (e) {
    return err(new CityEdgeError('CONFIG_FEATURE_START', `${feature.name}: ${String(e)}`));
  }
}

/** Pulses the watchdog line while the event loop is alive (a stall stops the pulse). */
async function startWatchdogPulse(ctx: FeatureContext): Promise<Result<Watchdog> | null> {
  const w = ctx.config.hardware.watchdog;
  if (!w) return null;
  const out = await ctx.hardware.output('watchdog', w.output);
  if (!out.ok) return out;
  // Healthy = the process runs its loop (stalls are caught by the pulse itself); a broker outage
  // is not a reason to put the cabinet into flash.
  return ok(
    startWatchdog({ output: out.value, periodMs: w.periodMs, isHealthy: () => true, clock: ctx.clock }),
  );
}

function readVersion(): string {
  // From source (edge/agent/) or from the bundle (dist/): the package file is two or one levels up.
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'cityedge' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}
