/**
 * Software-in-the-loop run against the parking controller in-process, with the hardware
 * boundaries real: bay sensors speak the frame protocol over a socat pty pair read by the edge's
 * serial sensor bus; loops, limits and barrier relays are lines on the simulated GPIO backend;
 * lane cameras are HTTP snapshot servers fetched on each `camera.trigger`.
 */
import { openSync, closeSync, write } from 'node:fs';
import {
  type LotConfig,
  type ParkingController,
  type ParkingEvent,
  type Registry,
  createParkingController,
} from '../../controllers/parking/index.ts';
import { socatPair, type PtyPair } from '../../core/testing/servers.ts';
import {
  SimulatedGpio,
  systemClock,
  openSerialSensorBus,
  type SerialSensorBus,
} from '../../edge/bindings/index.ts';
import { createRng } from '../camera/index.ts';
import { FaultyLines, corruptingSink } from '../faults/index.ts';
import { type LaneCamera, TruthBook, startLaneCamera } from './cameras.ts';
import { bindController } from './bind.ts';
import { pace, simClock } from './clock.ts';
import { simulateOcr } from './ocr-model.ts';
import { type SimOptionsInput, simOptionsSchema } from './options.ts';
import { type SimReport, buildReport } from './report.ts';
import { LotWorld } from './world.ts';

export interface InProcessHooks {
  /** Called once everything is wired, before time starts (inject faults, attach listeners). */
  ready?(run: InProcessRun): void;
}

export interface InProcessRun {
  ctl: ParkingController;
  world: LotWorld;
  lines: FaultyLines;
  gpio: SimulatedGpio;
  cameras: Map<string, LaneCamera>;
  events: ParkingEvent[];
}

export async function runInProcess(
  lot: LotConfig,
  registry: Registry,
  input: SimOptionsInput = {},
  hooks: InProcessHooks = {},
): Promise<SimReport> {
  const opts = simOptionsSchema.parse(input);
  const clock = simClock(opts.startMs);
  const gpio = new SimulatedGpio(clock);
  const lines = new FaultyLines(gpio, clock);
  const rng = createRng(opts.seed ^ 0x5eed);
  const truthBook = new TruthBook();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const started = performance.now();
  try {
    const pty: PtyPair = await socatPair();
    cleanups.push(() => pty.stop());
    const fd = openSync(pty.peerPath, 'w');
    cleanups.push(() => closeSync(fd));
    let writeErrors = 0;
    const line = corruptingSink(
      (frame) =>
        write(fd, frame, (e) => {
          if (e) writeErrors++;
        }),
      { rate: opts.rates.serialByteError, rng: createRng(opts.seed ^ 0xb17) },
    );
    const sendFrame = line.send;
    const cameras = new Map<string, LaneCamera>();
    for (const lane of lot.lanes) {
      const cam = await startLaneCamera(lane.id, truthBook, { timeoutRate: opts.rates.cameraTimeout, rng });
      cameras.set(lane.id, cam);
      cleanups.push(() => cam.close());
    }
    const ctl = createParkingController(lot, registry, { clock });
    cleanups.push(() => ctl.stop());
    const events: ParkingEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    const world = new LotWorld(lot, registry, clock, opts, {
      gpio: lines,
      sendFrame,
      camera: (id) => cameras.get(id)!,
      bayCamera: (bay, car) =>
        ctl.bayCameraRead(bay.config.id, {
          plate: car.plate,
          confidence: 0.95,
          frameRef: `${bay.config.camera}/${clock.now()}`,
        }),
    });
    cleanups.push(() => world.stop());
    const bus: SerialSensorBus = await openSerialSensorBus({
      path: pty.devicePath,
      baudRate: lot.baySensorBus?.baudRate ?? 115200,
      clock: systemClock, // reconnect back-off is about the real device, in wall time
    });
    cleanups.push(() => bus.close());
    const unbind = await bindController({ lot, ctl, gpio, bus });
    cleanups.push(unbind);

    // The LPR stand-in: fetch the snapshot over HTTP like the edge does, read the frame's truth.
    const fetchTimeoutMs = Math.round(
      Math.max(30, Math.min(...lot.lanes.map((l) => l.identify.timeoutMs)) / opts.speed),
    );
    let ocrWrong = 0;
    ctl.onOutput((o) => {
      if (o.type !== 'camera.trigger') return;
      const cam = cameras.get(o.laneId);
      if (!cam) return;
      void fetch(cam.url, { signal: AbortSignal.timeout(fetchTimeoutMs) })
        .then(async (res) => {
          const plate = truthBook.plateOf(Buffer.from(await res.arrayBuffer()));
          const read = simulateOcr(plate ?? null, opts.rates, rng, `${o.laneId}/${clock.now()}`);
          if (read.wrong) ocrWrong++;
          ctl.plateRead(o.laneId, {
            plate: read.plate,
            confidence: read.confidence,
            frameRef: read.frameRef,
          });
        })
        .catch(() => undefined); // a hung camera: the lane's identify timeout takes over
    });

    // The simulated operator answers reviews from the CCTV (the truth) after a delay.
    if (opts.operatorDelayMs > 0) {
      ctl.onEvent((e) => {
        if (e.type !== 'review.requested') return;
        const car = cameras.get(e.review.laneId)?.current();
        clock.setTimeout(() => {
          if (!ctl.snapshot().reviews.some((r) => r.id === e.review.id)) return;
          const approve = car !== null && car !== undefined && car.category !== 'blocklisted';
          ctl.operator({
            type: approve ? 'review.approve' : 'review.deny',
            reviewId: e.review.id,
            who: 'sim-operator',
            why: 'checked on CCTV',
          });
        }, opts.operatorDelayMs);
      });
    }

    const run: InProcessRun = { ctl, world, lines, gpio, cameras, events };
    ctl.start();
    world.start();
    hooks.ready?.(run);
    await pace(clock, { untilMs: opts.startMs + opts.durationMs, speed: opts.speed });
    // Final reconciliation: freeze the world, let the last frames cross the pty and debounce.
    world.freeze();
    await new Promise((r) => setTimeout(r, 150));
    clock.advance(lot.occupancy.debounceMs + 1000);
    return buildReport({
      lot,
      ctl,
      world,
      events,
      cameras,
      opts,
      wallMs: performance.now() - started,
      ocrWrong,
      writeErrors,
      bus,
    });
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  }
}
