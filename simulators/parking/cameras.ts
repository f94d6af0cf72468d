/**
 * Lane cameras for the simulator: one IP-camera snapshot server per lane (the camera simulator's),
 * optionally behind a flaky proxy (camera timeouts). Frames are rendered with the car's plate; the
 * truth is kept by frame hash so a simulated LPR can read what a real one would see.
 */
import { createHash } from 'node:crypto';
import { type SnapshotServer, renderVehicleFrame, startSnapshotServer } from '../camera/index.ts';
import type { DegradePreset, Rng } from '../camera/index.ts';
import { type FlakyCamera, startFlakyCamera } from '../faults/index.ts';
import type { CameraPort, SimCar } from './types.ts';

export const frameHash = (image: Buffer) => createHash('sha1').update(image).digest('hex');

export interface LaneCamera extends CameraPort {
  laneId: string;
  /** What the edge fetches (the proxy when faults are on). */
  url: string;
  server: SnapshotServer;
  flaky: FlakyCamera | null;
  /** Car shown now. */
  current(): SimCar | null;
  /** Car shown at a simulated time (the latest shown at or before it). */
  shownAt(atMs: number): SimCar | null;
  close(): Promise<void>;
}

export class TruthBook {
  private readonly byHash = new Map<string, string | null>();
  set(image: Buffer, plate: string | null): void {
    this.byHash.set(frameHash(image), plate);
  }
  /** undefined: not a frame the simulator rendered. */
  plateOf(image: Buffer): string | null | undefined {
    return this.byHash.get(frameHash(image));
  }
}

export async function startLaneCamera(
  laneId: string,
  truth: TruthBook,
  o: {
    timeoutRate: number;
    rng: Rng;
    now: () => number;
    frames: { width: number; height: number; degrade: DegradePreset };
  },
): Promise<LaneCamera> {
  const server = await startSnapshotServer();
  const flaky =
    o.timeoutRate > 0 ? await startFlakyCamera(server.url, { timeoutRate: o.timeoutRate, rng: o.rng }) : null;
  let shown: SimCar | null = null;
  const laneSeed = createHash('sha1').update(laneId).digest().readUInt16BE(0);
  // Every change of the shown car, in time order, so a read can be scored against its frame.
  const history: Array<{ at: number; car: SimCar | null }> = [];
  return {
    laneId,
    url: flaky?.url ?? server.url,
    server,
    flaky,
    current: () => shown,
    shownAt: (atMs) => latestAtOrBefore(history, atMs),
    async show(car) {
      shown = car;
      history.push({ at: o.now(), car });
      const frame = await renderVehicleFrame({
        plate: car?.plate ?? null,
        // Per car and lane: a car's exit frame is not a copy of its entry frame (independent reads).
        seed: car ? car.id * 7919 + laneSeed : 1,
        width: o.frames.width,
        height: o.frames.height,
        degrade: o.frames.degrade,
      });
      truth.set(frame.image, car?.plate ?? null);
      server.setFrame(frame.image);
    },
    async close() {
      await flaky?.close();
      await server.close();
    },
  };
}

/** Binary search: the entry with the greatest `at` ≤ `atMs` (entries are pushed in time order). */
function latestAtOrBefore(h: ReadonlyArray<{ at: number; car: SimCar | null }>, atMs: number): SimCar | null {
  let lo = 0;
  let hi = h.length - 1;
  let found: SimCar | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = h[mid]!;
    if (e.at <= atMs) {
      found = e.car;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
