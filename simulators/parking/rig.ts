/**
 * What every simulator run shares, whatever the system under test: the paced clock, simulated
 * GPIO (behind fault-injectable lines), the socat pty of the bay-sensor bus, lane cameras and the
 * simulated lot itself.
 */
import { closeSync, openSync, write } from 'node:fs';
import type { LotConfig, Registry } from '../../controllers/parking/index.ts';
import { type PtyPair, socatPair } from '../infra/processes.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import { createRng, type Rng } from '../camera/index.ts';
import { FaultyLines, corruptingSink } from '../faults/index.ts';
import { type LaneCamera, TruthBook, startLaneCamera } from './cameras.ts';
import { simClock } from './clock.ts';
import type { SimOptions } from './options.ts';
import { LotWorld } from './world.ts';
import type { ManualClock } from '../../core/ports/clock.ts';

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
  /**
   * True while the bay bus has not yet decoded every frame written to the pty: serial delivery,
   * like a camera fetch, takes no simulated time, so a loaded machine cannot turn a late frame into
   * minutes of simulated drift. `decoded` is the bus's valid-frame counter.
   */
  serialBacklog(decoded: () => number): () => boolean;
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
    let sent = 0;
    const sendFrame = (bytes: Buffer) => {
      sent++;
      line.send(bytes);
    };
    const world = new LotWorld(lot, registry, clock, opts, {
      gpio: lines,
      sendFrame,
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
      serialBacklog: (decoded) => backlog(() => sent - line.corruptedFrames(), decoded),
      onClose: (fn) => cleanups.push(fn),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Frames a corrupted neighbour took with it never decode: written off after this much wall time. */
const WRITE_OFF_MS = 2_000;

function backlog(expected: () => number, decoded: () => number): () => boolean {
  let lost = 0;
  let behindSince: number | null = null;
  return () => {
    const behind = expected() - lost - decoded();
    if (behind <= 0) {
      behindSince = null;
      return false;
    }
    const now = performance.now();
    behindSince ??= now;
    if (now - behindSince < WRITE_OFF_MS) return true;
    lost += behind;
    behindSince = null;
    return false;
  };
}
