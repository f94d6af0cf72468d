/**
 * Software-in-the-loop run against the parking controller in-process, with the hardware
 * boundaries real: bay sensors speak the frame protocol over a socat pty pair read by the edge's
 * serial sensor bus; loops, limits and barrier relays are lines on the simulated GPIO backend;
 * lane cameras are HTTP snapshot servers fetched on each `camera.trigger`.
 */
import {
  type LotConfig,
  type ParkingController,
  type ParkingEvent,
  type Registry,
  createParkingController,
} from '../../controllers/parking/index.ts';
// The edge's own serial bus reads the pty: this run puts the real binding in the loop.
import { openSerialSensorBus } from '../../edge/bindings/serial/bus.ts';
import { bindController } from './bind.ts';
import { pace } from './clock.ts';
import { simulateOcr } from './ocr-model.ts';
import { type SimOptionsInput, simOptionsSchema } from './options.ts';
import { type SimReport, buildReport } from './report.ts';
import { type SimRig, createSimRig } from './rig.ts';
import { systemClock } from '../../core/ports/clock.ts';

export interface InProcessHooks {
  /** Called once everything is wired, before time starts (inject faults, attach listeners). */
  ready?(run: InProcessRun): void;
}

export interface InProcessRun extends SimRig {
  ctl: ParkingController;
  events: ParkingEvent[];
}

export async function runInProcess(
  lot: LotConfig,
  registry: Registry,
  input: SimOptionsInput = {},
  hooks: InProcessHooks = {},
): Promise<SimReport> {
  const opts = simOptionsSchema.parse(input);
  const started = performance.now();
  const rig = await createSimRig(lot, registry, opts);
  const { clock, world, cameras, truthBook, rng } = rig;
  try {
    const ctl = createParkingController(lot, registry, { clock });
    rig.onClose(() => ctl.stop());
    const events: ParkingEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    world.ports.bayCamera = (bay, car) =>
      ctl.bayCameraRead(bay.config.id, {
        plate: car.plate,
        confidence: 0.95,
        frameRef: `${bay.config.camera}/${clock.now()}`,
      });
    const bus = await openSerialSensorBus({
      path: rig.pty.devicePath,
      baudRate: lot.baySensorBus?.baudRate ?? 115200,
      clock: systemClock, // reconnect back-off is about the real device, in wall time
    });
    rig.onClose(() => bus.close());
    rig.onClose(await bindController({ lot, ctl, gpio: rig.gpio, bus }));

    // The LPR stand-in: fetch the snapshot over HTTP like the edge does, read the frame's truth.
    // Time holds while a fetch is in flight; a hung camera is abandoned after this (wall) timeout.
    const fetchTimeoutMs = 250;
    let inflight = 0;
    let ocrWrong = 0;
    ctl.onOutput((o) => {
      if (o.type !== 'camera.trigger') return;
      const cam = cameras.get(o.laneId);
      if (!cam) return;
      inflight++;
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
        .catch(() => undefined) // a hung camera: the lane's identify timeout takes over
        .finally(() => inflight--);
    });
    simulatedOperator(rig, ctl);

    ctl.start();
    world.start();
    hooks.ready?.({ ...rig, ctl, events });
    const serialBehind = rig.serialBacklog(() => bus.status().counters.frames);
    await pace(clock, {
      untilMs: opts.startMs + opts.durationMs,
      speed: opts.speed,
      hold: () => inflight > 0 || serialBehind(),
      maxHoldMs: fetchTimeoutMs + 100,
    });
    await settle(rig, lot);
    return buildReport({
      lot,
      ctl,
      world,
      events,
      cameras,
      opts,
      wallMs: performance.now() - started,
      ocrWrong,
      writeErrors: rig.writeErrors(),
      serial: bus.status().counters,
    });
  } finally {
    await rig.close();
  }
}

/** The operator answers reviews from the CCTV (the simulator's truth) after a delay. */
export function simulatedOperator(rig: SimRig, ctl: ParkingController): void {
  if (rig.opts.operatorDelayMs <= 0) return;
  ctl.onEvent((e) => {
    if (e.type !== 'review.requested') return;
    const car = rig.cameras.get(e.review.laneId)?.current();
    rig.clock.setTimeout(() => {
      if (!ctl.snapshot().reviews.some((r) => r.id === e.review.id)) return;
      const approve = car !== null && car !== undefined && car.category !== 'blocklisted';
      const type = approve ? 'review.approve' : 'review.deny';
      ctl.operator({ type, reviewId: e.review.id, who: 'sim-operator', why: 'checked on CCTV' });
    }, rig.opts.operatorDelayMs);
  });
}

/** Freeze the world, let the last frames cross the pty, and let bay debounces settle. */
export async function settle(rig: SimRig, lot: LotConfig): Promise<void> {
  rig.world.freeze();
  await new Promise((r) => setTimeout(r, 150));
  rig.clock.advance(lot.occupancy.debounceMs + 1000);
}
