/**
 * Signals feature: detector GPIO inputs → intersection controller; head states → load-switch
 * outputs; heads/SPaT/hi-res/cycle/alarm telemetry; flash/hold/priority commands.
 * The controller runs on the monotonic clock; its timestamps are converted to wall-clock epoch
 * ms only when they leave the box.
 */
import {
  createIntersectionController,
  type HeadState,
  type HiResEvent,
  type IntersectionController,
  loadIntersectionConfig,
} from '../../../controllers/signals/index.ts';
import { CityEdgeError, err, ok, type Result } from '../../../core/errors.ts';
import type { Clock } from '../../../core/ports/clock.ts';
import type { DigitalOutput } from '../../../core/ports/gpio.ts';
import type { EdgeConfig } from '../../config/schema.ts';
import type { FeatureCommands, FeatureContext, FeatureInstance } from '../feature.ts';
import { startCountStations } from './counts.ts';
import { alarmData, contractHead, contractMode, cycleData, spatData } from './map.ts';

export interface SignalsFeature extends FeatureInstance {
  readonly controllers: Map<string, IntersectionController>;
}

type Lamp = 'red' | 'yellow' | 'green';
/** Which lamp of a three-aspect load switch a head state lights (flashing is done by the flasher). */
const LAMP: Record<HeadState, Lamp | null> = {
  red: 'red',
  flashingRed: 'red',
  dontWalk: 'red',
  flashingDontWalk: 'red',
  yellow: 'yellow',
  flashingYellow: 'yellow',
  flashingYellowArrow: 'yellow',
  yellowArrow: 'yellow',
  redArrow: 'red',
  green: 'green',
  greenArrow: 'green',
  walk: 'green',
  dark: null,
};

export async function startSignals(ctx: FeatureContext): Promise<Result<SignalsFeature>> {
  const controllers = new Map<string, IntersectionController>();
  const stops: (() => void)[] = [];
  for (const [i, sc] of ctx.config.signals.entries()) {
    const started = await startOne(ctx, sc, `signals.${i}`);
    if (!started.ok) {
      for (const s of stops) s();
      return started;
    }
    controllers.set(started.value.ctl.config.id, started.value.ctl);
    stops.push(started.value.stop);
  }
  registerSignalCommands(ctx.commands, controllers, ctx);
  return ok({
    name: 'signals',
    controllers,
    health: () => ({}),
    async stop() {
      for (const s of stops) s();
    },
  });
}

/** `--check`: every intersection file parses and passes the controller's safety checks. */
export async function checkSignals(config: EdgeConfig): Promise<Result<void>> {
  for (const [i, s] of config.signals.entries()) {
    const r = await loadIntersectionConfig(s.config);
    if (!r.ok) return err(configError(`signals.${i}.config`, r.error));
  }
  return ok(undefined);
}

const configError = (at: string, e: unknown) =>
  new CityEdgeError('CONFIG_INVALID', `${at}: ${JSON.stringify(e).slice(0, 500)}`);

async function startOne(ctx: FeatureContext, sc: EdgeConfig['signals'][number], at: string) {
  const cfg = await loadIntersectionConfig(sc.config);
  if (!cfg.ok) return err(configError(`${at}.config`, cfg.error));
  const config = cfg.value;
  const xid = config.id.toLowerCase();
  const clock = {
    now: () => ctx.clock.now(),
    setTimeout: (fn: (...args: unknown[]) => void, ms: number) => ctx.clock.setTimeout(() => fn(), ms),
    clearTimeout: (t: unknown) => ctx.clock.clearTimeout(t),
  };
  // Monotonic → epoch at publish time: correct even after an NTP step.
  const toEpoch = (monoMs: number) => Math.round(monoMs + (ctx.nowEpochMs() - ctx.clock.now()));
  const ctl = createIntersectionController(config, { clock });
  const known = new Set(config.detectors.map((d) => d.id));
  const groups = new Set(config.signalGroups.map((g) => g.name));
  for (const id of Object.keys(sc.detectorInputs)) {
    if (!known.has(id))
      return err(
        new CityEdgeError('CONFIG_INVALID', `${at}.detectorInputs.${id}: no such detector in ${config.id}`),
      );
  }
  for (const g of Object.keys(sc.headOutputs)) {
    if (!groups.has(g))
      return err(
        new CityEdgeError('CONFIG_INVALID', `${at}.headOutputs.${g}: no such signal group in ${config.id}`),
      );
  }
  const params = { intersection: xid };
  const counts = startCountStations(
    ctx,
    config,
    (fn) => ctl.onCount(fn),
    (data, at) => ctx.publisher.publish('counts', params, data, at),
  );
  for (const [id, line] of Object.entries(sc.detectorInputs)) {
    const input = await ctx.hardware.input(`${xid}.${id}`, line);
    if (!input.ok) {
      counts.stop();
      return input;
    }
    input.value.onEdge((edge) => {
      const on = edge.value === 1;
      const r = ctl.detector(id, on);
      if (!r.ok) ctx.count('SIGNALS_DETECTOR_REJECTED', `${id}`);
      else counts.edge(id, on);
    });
  }
  const lamps = new Map<string, Partial<Record<Lamp, DigitalOutput>>>();
  for (const [group, lines] of Object.entries(sc.headOutputs)) {
    const set: Partial<Record<Lamp, DigitalOutput>> = {};
    for (const lamp of ['red', 'yellow', 'green'] as const) {
      const line = lines[lamp];
      if (line === undefined) continue;
      const out = await ctx.hardware.output(`${xid}.${group}.${lamp}`, line);
      if (!out.ok) {
        counts.stop();
        return out;
      }
      set[lamp] = out.value;
    }
    lamps.set(group, set);
  }

  let lastHeads = '';
  const syncHeads = () => {
    const heads = ctl.heads();
    const key = JSON.stringify(heads);
    if (key === lastHeads) return;
    lastHeads = key;
    driveLamps(ctx, heads, lamps);
    const groupsOut = Object.fromEntries(Object.entries(heads).map(([g, h]) => [g, contractHead(h)]));
    ctx.publisher.publish('signalHeads', params, { mode: contractMode(ctl.mode()), groups: groupsOut });
    ctx.publisher.publish('spat', params, spatData(ctl.spat()));
  };
  let hires: HiResEvent[] = [];
  const flushHires = () => {
    if (hires.length === 0) return;
    const events = hires
      .splice(0, 1000)
      .map((e) => ({ ts: toEpoch(e.timestampMs), code: e.code, param: e.param }));
    ctx.publisher.publish('hiRes', params, { events });
  };
  const unsubs = [
    ctl.onEvent((e) => {
      hires.push(e);
      syncHeads(); // every head change is also a hi-res event (Indiana codes 1, 8, 10 …)
    }),
    ctl.onAlarm((a) => ctx.publisher.publish('signalAlarm', params, alarmData(a), toEpoch(a.atMs))),
    ctl.onCycle((m) => ctx.publisher.publish('cycle', params, cycleData(m, toEpoch), toEpoch(m.endMs))),
  ];
  ctl.start();
  syncHeads();
  const hiresTimer = setInterval(flushHires, 1000);
  const spatTimer = setInterval(() => ctx.publisher.publish('spat', params, spatData(ctl.spat())), 1000);
  return ok({
    ctl,
    stop: () => {
      clearInterval(hiresTimer);
      clearInterval(spatTimer);
      flushHires();
      hires = [];
      for (const u of unsubs) u();
      counts.stop();
      ctl.stop();
    },
  });
}

function driveLamps(
  ctx: FeatureContext,
  heads: Record<string, HeadState>,
  lamps: Map<string, Partial<Record<Lamp, DigitalOutput>>>,
): void {
  for (const [group, set] of lamps) {
    const lit = LAMP[heads[group] ?? 'dark'];
    // Lamps off before the new one on: never two aspects lit at once, even for a few µs.
    const order = (['red', 'yellow', 'green'] as const).filter((l) => l !== lit);
    const writes = async () => {
      for (const lamp of order) await set[lamp]?.write(0);
      if (lit) await set[lit]?.write(1);
    };
    void writes().catch((e: unknown) => ctx.count('GPIO_IO_FAILED', `${group}: ${String(e)}`));
  }
}

/** The clocks a command needs: the controller's (monotonic) and the device's wall clock. */
export interface CommandClocks {
  clock: Pick<Clock, 'now'>;
  nowEpochMs(): number;
}

/**
 * The signals command surface (flash, hold, priority …) over a set of controllers by id. Exported
 * so simulators that stand in for a cabinet (sim ev's junction endpoints) answer exactly as it does.
 */
export function registerSignalCommands(
  commands: FeatureCommands,
  ctls: Map<string, IntersectionController>,
  ctx: CommandClocks,
) {
  const find = (id: string): Result<IntersectionController> => {
    for (const [cid, c] of ctls) if (cid.toLowerCase() === id) return ok(c);
    return err(new CityEdgeError('UPLINK_UNKNOWN_INTERSECTION', `no intersection "${id}" on this device`));
  };
  const run = (
    id: string,
    f: (c: IntersectionController) => { ok: boolean; error?: unknown },
  ): Result<unknown> => {
    const c = find(id);
    if (!c.ok) return c;
    const r = f(c.value);
    return r.ok
      ? ok({ mode: c.value.mode() })
      : err(new CityEdgeError('UPLINK_REFUSED', JSON.stringify(r.error).slice(0, 300)));
  };
  commands.handle('signals.flash', (a) => run(a.intersection, (c) => c.command({ type: 'flash' })));
  commands.handle('signals.resetFlash', (a) => run(a.intersection, (c) => c.command({ type: 'resetFlash' })));
  commands.handle('signals.hold', (a) =>
    run(a.intersection, (c) => c.command({ type: 'hold', phase: a.phase })),
  );
  commands.handle('signals.release', (a) => run(a.intersection, (c) => c.command({ type: 'release' })));
  commands.handle('priority.request', (a) =>
    run(a.intersection, (c) =>
      c.requestPriority({
        vehicleId: a.vehicleId,
        ...(a.routeId ? { routeId: a.routeId } : {}),
        ...(a.phase === undefined ? {} : { phase: a.phase }),
        ...(a.approach ? { approach: a.approach } : {}),
        // The request carries a wall-clock ETA; the controller counts on the monotonic clock.
        etaMs: ctx.clock.now() + (a.etaTs - ctx.nowEpochMs()),
      }),
    ),
  );
  commands.handle('priority.cancel', (a) => run(a.intersection, (c) => c.cancelPriority(a.vehicleId)));
}
