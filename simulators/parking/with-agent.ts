/**
 * The REAL edge agent against the simulated lot: the agent opens the socat pty as its bay-sensor
 * serial device, reads loops/limits and drives relays on the shared simulated GPIO backend, and
 * fetches lane snapshots over HTTP for its LPR; an in-process aedes broker takes its uplink.
 * The agent runs on the simulator's paced clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type {
  LotConfig,
  ParkingController,
  ParkingEvent,
  Registry,
} from '../../controllers/parking/index.ts';
import { startLocalBroker } from '../infra/local-broker.ts';
import { startAgent } from '../../edge/agent/agent.ts';
import { silentLog } from '../../edge/agent/log.ts';
import type { ParkingFeature } from '../../edge/agent/parking/feature.ts';
import { parseEdgeConfig } from '../../edge/config/load.ts';
import { pace } from './clock.ts';
import { settle, simulatedOperator } from './in-process.ts';
import { type SimOptionsInput, simOptionsSchema } from './options.ts';
import { type SimReport, buildReport } from './report.ts';
import { createSimRig } from './rig.ts';

export interface AgentRunOptions {
  /** Registry file the agent loads (the simulator uses the same vehicles). */
  registryPath: string;
  lpr?: boolean;
  ocrWorkers?: number;
  /** A broker to use instead of an in-process aedes (the demo city's, with a device account). */
  mqtt?: { url: string; username: string; password: string };
  site?: string;
  device?: string;
  /** Ends the run early; the report covers the time simulated so far. */
  signal?: AbortSignal;
}

export async function runWithAgent(
  lot: LotConfig,
  registry: Registry,
  input: SimOptionsInput,
  agentOpts: AgentRunOptions,
): Promise<SimReport & { agentErrors: Record<string, number> }> {
  const opts = simOptionsSchema.parse(input);
  const started = performance.now();
  const rig = await createSimRig(lot, registry, opts);
  const { clock, world, cameras } = rig;
  try {
    const mqttUrl = agentOpts.mqtt?.url ?? (await localBrokerFor(rig));
    const dir = mkdtempSync(join(tmpdir(), 'cityedge-simpark-'));
    rig.onClose(() => rmSync(dir, { recursive: true, force: true }));
    // The lot as the agent sees it: its cameras are the simulator's snapshot servers.
    const simLot = {
      ...lot,
      baySensorBus: { path: rig.pty.devicePath, baudRate: lot.baySensorBus?.baudRate ?? 115200 },
      lanes: lot.lanes.map((l) => ({
        ...l,
        camera: { id: l.camera?.id ?? `cam-${l.id}`, snapshotUrl: cameras.get(l.id)!.url },
      })),
    };
    writeFileSync(join(dir, 'lot.yaml'), stringify(simLot));
    const edgeYaml = stringify({
      site: agentOpts.site ?? 'sim',
      device: agentOpts.device ?? 'parking-sim',
      hardware: { profile: 'simulated', serial: simLot.baySensorBus, debounceMs: 0 },
      mqtt: {
        url: mqttUrl,
        reconnectPeriodMs: 300,
        ...(agentOpts.mqtt ? { username: agentOpts.mqtt.username, password: agentOpts.mqtt.password } : {}),
      },
      queue: { path: join(dir, 'outbox.db') },
      parking: {
        lot: join(dir, 'lot.yaml'),
        registry: resolve(agentOpts.registryPath),
        lpr: agentOpts.lpr ?? true,
        ocrWorkers: agentOpts.ocrWorkers ?? 1,
      },
    });
    const cfg = parseEdgeConfig(edgeYaml, {}, dir);
    if (!cfg.ok) throw cfg.error;
    const started$ = await startAgent(cfg.value, {
      gpio: rig.gpio,
      log: silentLog,
      clock,
      nowEpochMs: () => clock.now(),
    });
    if (!started$.ok) throw started$.error;
    const agent = started$.value;
    rig.onClose(() => agent.stop());
    const feature = agent.features.find((f) => f.name === 'parking') as ParkingFeature | undefined;
    if (!feature) throw new Error('agent started without its parking feature');
    const ctl: ParkingController = feature.controller;
    const events: ParkingEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    simulatedOperator(rig, ctl);
    const identifying = identificationsInFlight(ctl, LPR_HOLD_MAX_MS);
    const serialBehind = rig.serialBacklog(() => feature.health().serial?.counters.frames ?? 0);
    world.start();
    await pace(clock, {
      untilMs: opts.startMs + opts.durationMs,
      speed: opts.speed,
      onTick: () => agentOpts.signal?.aborted,
      // A tick must stay shorter than a lane's identify timeout (5 s): the hold starts at the next tick.
      tickMs: Math.min(10, MAX_TICK_SIMULATED_MS / opts.speed),
      hold: () => identifying() || serialBehind(),
      maxHoldMs: LPR_HOLD_MAX_MS,
    });
    await settle(rig, lot);
    const health = feature.health();
    return {
      ...buildReport({
        lot,
        ctl,
        world,
        events,
        cameras,
        opts,
        wallMs: performance.now() - started,
        ocrWrong: 0,
        writeErrors: rig.writeErrors(),
        serial: health.serial?.counters ?? null,
      }),
      agentErrors: agent.errors(),
    };
  } finally {
    await rig.close();
  }
}

/**
 * Longest wall time simulated time waits for one identification: three OCR looks on a loaded
 * 2-core box take well under this; a camera that never answers must not stop the run.
 */
const LPR_HOLD_MAX_MS = 5000;

/** Simulated ms per pacer tick at most (×300 at the default 10 ms tick). */
const MAX_TICK_SIMULATED_MS = 3000;

/**
 * True while a lane's identification (camera.trigger → snapshot → OCR → decision) is in flight.
 * Time holds meanwhile, as it does for the in-process run's fetch: the agent's OCR takes no
 * simulated time, so the lane's `identify.timeoutMs` measures the lot, not this machine's load,
 * and `speed` can rise until the OCR is the only thing the run waits for.
 */
function identificationsInFlight(ctl: ParkingController, maxMs: number): () => boolean {
  const since = new Map<string, number>(); // laneId → wall ms of the first trigger
  ctl.onOutput((o) => {
    if (o.type === 'camera.trigger' && !since.has(o.laneId)) since.set(o.laneId, performance.now());
  });
  ctl.onEvent((e) => {
    if (e.type === 'decision') since.delete(e.laneId);
  });
  return () => {
    const now = performance.now();
    // A lane that never decides (camera down, car gone) stops holding after `maxMs`.
    for (const [lane, t] of since) if (now - t > maxMs) since.delete(lane);
    return since.size > 0;
  };
}

/** An in-process aedes on a free loopback port, closed with the rig. */
async function localBrokerFor(rig: Awaited<ReturnType<typeof createSimRig>>): Promise<string> {
  const broker = await startLocalBroker();
  rig.onClose(() => broker.close());
  return broker.url;
}
