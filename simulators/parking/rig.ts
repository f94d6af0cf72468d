/**
 * What every simulator run shares, whatever the system under test: the paced clock, simulated
 * GPIO (behind fault-injectable lines), the socat pty of the bay-sensor bus, lane cameras and the
 * simulated lot itself.
 */
import { closeSync, openSync, write } from 'node:fs';
import type { LotConfig, Registry } from '../../controllers/parking/index.ts';
import { type PtyPair, socatPair } from '../../core/testing/servers.ts';
import { type ManualClock, SimulatedGpio } from '../../edge/bindings/index.ts';
import { createRng, type Rng } from '../camera/index.ts';
import { FaultyLines, corruptingSink } from '../faults/index.ts';
import { type LaneCamera, TruthBook, startLaneCamera } from './cameras.ts';
import { simClock } from './clock.ts';
import type { SimOptions } from './options.ts';
import { LotWorld } from './world.ts';

export interface SimRig {
  opts: SimOptions;
  clock: ManualClock;
  gpio: SimulatedGpio;
  lines: FaultyLines;
  pty: PtyPair;
  cameras: Map<string, LaneCamera>;
  truthBook: TruthBook;
  world: LotWorld;
  rng: Rng;
  writeErrors(): number;
  /** Register a cleanup (run in reverse order by `close`). */
  onClose(fn: () => Promise<unknown> | unknown): void;
  close(): Promise<void>;
}

export async function createSimRig(lot: LotConfig, registry: Registry, opts: SimOptions): Promise<SimRig> {
  const clock = simClock(opts.startMs);
  const gpio = new SimulatedGpio(clock);
  const lines = new FaultyLines(gpio, clock);
  const rng = createRng(opts.seed ^ 0x5eed);
  const truthBook = new TruthBook();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const pty = await socatPair();
    cleanups.push(() => pty.stop());
    // If this process dies before `close` (an uncaught error), do not leave socat behind.
    const killSocat = () => pty.process.kill('SIGKILL');
    process.once('exit', killSocat);
    cleanups.push(() => process.off('exit', killSocat));
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
    const cameras = new Map<string, LaneCamera>();
    for (const lane of lot.lanes) {
      const cam = await startLaneCamera(lane.id, truthBook, {
        timeoutRate: opts.rates.cameraTimeout,
        rng,
        now: () => clock.now(),
        frames: opts.cameraFrames,
      });
      cameras.set(lane.id, cam);
      cleanups.push(() => cam.close());
    }
    const world = new LotWorld(lot, registry, clock, opts, {
      gpio: lines,
      sendFrame: line.send,
      camera: (id) => cameras.get(id)!,
    });
    cleanups.push(() => world.stop());
    return {
      opts,
      clock,
      gpio,
      lines,
      pty,
      cameras,
      truthBook,
      world,
      rng,
      writeErrors: () => writeErrors,
      onClose: (fn) => cleanups.push(fn),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
