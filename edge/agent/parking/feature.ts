/**
 * Parking feature: wires the lot's GPIO lines, bay-sensor bus, lane cameras and LPR to the pure
 * parking controller, maps its events to the contract and its commands from the uplink.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createParkingController,
  type InputResult,
  type LotConfig,
  type ParkingController,
  type ParkingOutput,
  parseLotYaml,
  parseRegistryYaml,
} from '../../../controllers/parking/index.ts';
import { CityEdgeError, err, ok, type Result } from '../../../core/errors.ts';
import type { DigitalOutput } from '../../../core/ports/gpio.ts';
import type { MonitoredCamera } from '../../bindings/index.ts';
import { type FrameStore, openFrameStore } from '../../frames/index.ts';
import type { PlateReader } from '../../lpr/index.ts';
import type { EdgeConfig } from '../../config/schema.ts';
import type { FeatureCommands, FeatureContext, FeatureInstance } from '../feature.ts';
import { wireBayCameras } from './bays.ts';
import { type Lpr, readCamera } from './plate-reads.ts';
import { LotState, mapParkingEvent, publishLotState, publishReviews } from './events.ts';
import { wireBaySensors } from './sensors.ts';

export interface ParkingFeature extends FeatureInstance {
  readonly controller: ParkingController;
  readonly lot: LotConfig;
}

/** Injected collaborators (tests and benches supply a fake plate reader instead of tesseract). */
export interface ParkingDeps {
  reader?: PlateReader;
}

export function loadLot(lotPath: string, registryPath: string) {
  const read = (p: string, field: string): Result<string> => {
    try {
      return ok(readFileSync(p, 'utf8'));
    } catch (e) {
      return err(new CityEdgeError('CONFIG_UNREADABLE', `${field}: ${(e as Error).message}`));
    }
  };
  const lotText = read(lotPath, 'parking.lot');
  if (!lotText.ok) return lotText;
  const regText = read(registryPath, 'parking.registry');
  if (!regText.ok) return regText;
  const lot = parseLotYaml(lotText.value);
  if (!lot.ok) return err(domainError('parking.lot', lot.error));
  const registry = parseRegistryYaml(regText.value);
  if (!registry.ok) return err(domainError('parking.registry', registry.error));
  return ok({ lot: lot.value, registry: registry.value });
}

/** `--check`: the lot and registry files parse and validate. */
export async function checkParking(config: EdgeConfig): Promise<Result<void>> {
  if (!config.parking) return ok(undefined);
  const lot = loadLot(config.parking.lot, config.parking.registry);
  return lot.ok ? ok(undefined) : lot;
}

const domainError = (field: string, errors: { message: string }[]) =>
  new CityEdgeError('CONFIG_INVALID', `${field}: ${errors.map((e) => e.message).join('; ')}`, errors);

const pinOf = (pin: number | string, field: string): Result<number> =>
  typeof pin === 'number'
    ? ok(pin)
    : err(new CityEdgeError('CONFIG_PIN', `${field}: "${pin}" is not a BCM line number`));

export async function startParking(
  ctx: FeatureContext,
  deps: ParkingDeps = {},
): Promise<Result<ParkingFeature>> {
  const cfg = ctx.config.parking;
  if (!cfg) return err(new CityEdgeError('CONFIG_INVALID', 'parking: not configured'));
  const loaded = loadLot(cfg.lot, cfg.registry);
  if (!loaded.ok) return loaded;
  const { lot, registry } = loaded.value;
  for (const warning of registry.warnings) ctx.log.warn({ file: cfg.registry, warning }, 'parking.registry');
  const controller = createParkingController(lot, registry, { clock: ctx.epochClock });
  const outputs = new Map<string, DigitalOutput>();
  const cameras = new Map<string, MonitoredCamera>();
  const cleanups: (() => unknown)[] = [];

  const wired = await wireLanes(ctx, lot, controller, outputs, cameras);
  if (!wired.ok) return wired;
  const bayLights = await wireBayLights(ctx, lot, outputs);
  if (!bayLights.ok) return bayLights;
  const reader =
    deps.reader ??
    (cfg.lpr && cfg.ocrWorkers > 0
      ? await startReader(ctx, cfg.ocrWorkers, cfg.lprEngine, cfg.lprTemplates)
      : null);
  const lpr: Lpr = { reader, frames: reader ? await openFrames(ctx) : null };
  const bayCameras = await wireBayCameras(ctx, lot, controller, lpr);
  const lotState = new LotState(ctx, controller);

  cleanups.push(
    controller.onOutput((o) => void applyOutput(ctx, o, outputs, cameras, controller, lpr)),
    controller.onEvent((e) => mapParkingEvent(ctx, lot, controller, lotState, e)),
    bayCameras.stop,
  );
  const sensors = await wireBaySensors(ctx, lot, controller);
  if (!sensors.ok) return sensors;
  registerCommands(ctx.commands, controller);
  controller.start();
  publishLotState(ctx, lot, controller, lotState);
  // Retained: an empty list at start replaces a stale one left by the previous run.
  publishReviews(ctx, controller);

  return ok({
    name: 'parking',
    controller,
    lot,
    health: () => ({
      serial: sensors.value.health(),
      cameras: Object.fromEntries(
        [...cameras.values(), ...bayCameras.cameras.values()].map((c) => [c.name, c.health()]),
      ),
    }),
    async stop() {
      for (const c of cleanups) c();
      controller.stop();
      await sensors.value.close();
      // An injected reader belongs to whoever injected it.
      if (!deps.reader) await reader?.close();
    },
  });
}

async function wireLanes(
  ctx: FeatureContext,
  lot: LotConfig,
  controller: ParkingController,
  outputs: Map<string, DigitalOutput>,
  cameras: Map<string, MonitoredCamera>,
): Promise<Result<void>> {
  for (const [i, lane] of lot.lanes.entries()) {
    const at = `parking.lot.lanes.${i}`;
    const inputs: [string, number | string, (on: boolean) => unknown][] = [
      ['armingLoop.input', lane.armingLoop.input, (on) => controller.loop(lane.id, 'arming', on)],
      ['safety.input', lane.safety.input, (on) => controller.loop(lane.id, 'safety', on)],
      ['barrier.openLimit', lane.barrier.openLimit, (on) => controller.limit(lane.id, 'open', on)],
      ['barrier.closedLimit', lane.barrier.closedLimit, (on) => controller.limit(lane.id, 'closed', on)],
    ];
    for (const [field, pin, handler] of inputs) {
      const line = pinOf(pin, `${at}.${field}`);
      if (!line.ok) return line;
      const input = await ctx.hardware.input(`${lane.id}.${field}`, line.value);
      if (!input.ok) return input;
      input.value.onEdge((edge) => handler(edge.value === 1));
      // At boot the barrier already rests on its closed limit: report levels that are already active.
      if (input.value.value() === 1) handler(true);
    }
    const outs: [string, number | string | undefined][] = [
      ['barrier', lane.barrier.output],
      ['warningLight', lane.warningLight?.output],
      ['fullSign', lane.fullSign?.output],
    ];
    for (const [what, pin] of outs) {
      if (pin === undefined) continue;
      const line = pinOf(pin, `${at}.${what}.output`);
      if (!line.ok) return line;
      const out = await ctx.hardware.output(`${lane.id}.${what}`, line.value);
      if (!out.ok) return out;
      outputs.set(`${lane.id}.${what}`, out.value);
    }
    if (lane.camera) {
      const cam = await ctx.hardware.camera(lane.camera.id, {
        ...(lane.camera.snapshotUrl ? { url: lane.camera.snapshotUrl } : {}),
        ...(lane.camera.folder ? { folder: lane.camera.folder } : {}),
      });
      if (!cam.ok) return cam;
      cameras.set(lane.id, cam.value);
    }
  }
  return ok(undefined);
}

/** Optional warning light per bay (`bays[].warningLight`), keyed `${bayId}.warningLight`. */
async function wireBayLights(
  ctx: FeatureContext,
  lot: LotConfig,
  outputs: Map<string, DigitalOutput>,
): Promise<Result<void>> {
  for (const [i, bay] of lot.bays.entries()) {
    if (!bay.warningLight) continue;
    const line = pinOf(bay.warningLight.output, `parking.lot.bays.${i}.warningLight.output`);
    if (!line.ok) return line;
    const out = await ctx.hardware.output(`${bay.id}.warningLight`, line.value);
    if (!out.ok) return out;
    outputs.set(`${bay.id}.warningLight`, out.value);
  }
  return ok(undefined);
}

async function applyOutput(
  ctx: FeatureContext,
  o: ParkingOutput,
  outputs: Map<string, DigitalOutput>,
  cameras: Map<string, MonitoredCamera>,
  controller: ParkingController,
  lpr: Lpr,
): Promise<void> {
  const drive = async (key: string, level: 0 | 1) => {
    const out = outputs.get(key);
    if (!out) return;
    await out.write(level).catch((e: unknown) => ctx.count('GPIO_IO_FAILED', `${key}: ${String(e)}`));
  };
  switch (o.type) {
    case 'barrier.raise':
      return drive(`${o.laneId}.barrier`, 1);
    case 'barrier.lower':
      return drive(`${o.laneId}.barrier`, 0);
    case 'light.flash':
      return drive(`${o.laneId}.warningLight`, 1);
    case 'light.off':
      return drive(`${o.laneId}.warningLight`, 0);
    case 'sign.full':
      return drive(`${o.laneId}.fullSign`, o.on ? 1 : 0);
    case 'bay.warning':
      // Bays without a light still get the alarm event on MQTT (mapParkingEvent).
      return drive(`${o.bayId}.warningLight`, o.on ? 1 : 0);
    case 'camera.trigger':
      return identify(ctx, o.laneId, cameras.get(o.laneId), controller, lpr);
  }
}

/** Arming loop → snapshot → LPR → plateRead; each failure is counted, the lane's own timeout decides. */
async function identify(
  ctx: FeatureContext,
  laneId: string,
  camera: MonitoredCamera | undefined,
  controller: ParkingController,
  lpr: Lpr,
): Promise<void> {
  if (!camera || !lpr.reader) return;
  const got = await readCamera(ctx, camera, lpr.reader, lpr.frames, { lane: laneId });
  if (!got) return;
  controller.plateRead(laneId, {
    plate: got.plate,
    confidence: got.read.confidence,
    candidates: got.read.candidates.slice(0, 10),
    frameRef: got.frameRef,
  });
}

/** Where frames are kept: `parking.frames.dir`, else beside the outbox; none for an in-memory outbox. */
async function openFrames(ctx: FeatureContext): Promise<FrameStore | null> {
  const f = ctx.config.parking?.frames;
  const queuePath = ctx.config.queue.path;
  const dir = f?.dir ?? (queuePath === ':memory:' ? undefined : join(dirname(queuePath), 'frames'));
  if (!f || !dir) return null;
  const opened = await openFrameStore({
    dir,
    maxFiles: f.maxFiles,
    maxBytes: f.maxMb * 1024 * 1024,
    maxAgeMs: f.maxAgeH * 3600_000,
    nowEpochMs: ctx.nowEpochMs,
  });
  if (opened.ok) return opened.value;
  ctx.count(opened.error.code, opened.error.message); // reads still work, without kept frames
  return null;
}

async function startReader(
  ctx: FeatureContext,
  workers: number,
  engine: 'onnx' | 'tesseract',
  templateNames: readonly string[],
): Promise<PlateReader | null> {
  // Imported lazily: without LPR the agent never loads tesseract or onnxruntime.
  const { createPlateReader, TEMPLATES } = await import('../../lpr/index.ts');
  const templates = templateNames.map((n) => TEMPLATES[n as keyof typeof TEMPLATES]);
  const reader = createPlateReader({ workers, engine, templates });
  void reader.ready().then((e) => {
    if (e) ctx.count(e.code, e.message);
    if (reader.stats().fallbacks)
      ctx.count('LPR_MODEL_UNAVAILABLE', 'ONNX models did not load: tesseract.js reads');
  });
  return reader;
}

function registerCommands(commands: FeatureCommands, ctl: ParkingController): void {
  const asResult = (r: InputResult): Result<unknown> =>
    r.ok
      ? ok({ accepted: true })
      : err(new CityEdgeError('UPLINK_REFUSED', `${r.error.code}: ${r.error.message}`));
  commands.handle('gate.open', (a) =>
    asResult(ctl.operator({ type: 'gate.open', laneId: a.lane, who: a.by, why: a.reason })),
  );
  commands.handle('gate.close', (a) =>
    asResult(ctl.operator({ type: 'gate.close', laneId: a.lane, who: a.by, why: a.reason })),
  );
  commands.handle('review.decide', (a) =>
    asResult(
      ctl.operator({
        type: a.decision === 'approve' ? 'review.approve' : 'review.deny',
        reviewId: a.reviewId,
        who: a.by,
        why: '',
      }),
    ),
  );
  commands.handle('registry.upsert', (a) => {
    const refused: string[] = [];
    for (const v of a.vehicles) {
      const r = ctl.registerVehicle({
        plate: v.plate,
        owner: v.owner,
        category: v.category,
        ...(v.validFrom === undefined ? {} : { validFrom: new Date(v.validFrom) }),
        ...(v.validUntil === undefined ? {} : { validUntil: new Date(v.validUntil) }),
      });
      if (!r.ok) refused.push(`${v.plate}: ${r.error.message}`);
    }
    if (refused.length > 0) return err(new CityEdgeError('UPLINK_REFUSED', refused.join('; ')));
    return ok({ upserted: a.vehicles.length });
  });
  // Idempotent: a plate that is not registered is reported, not an error (a retried command
  // after a lost response must not fail).
  commands.handle('registry.remove', (a) => {
    const removed = a.plates.filter((plate) => ctl.removeVehicle(plate));
    return ok({ removed, unknown: a.plates.filter((plate) => !removed.includes(plate)) });
  });
}
