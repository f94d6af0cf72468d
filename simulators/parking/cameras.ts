/**
 * Lane cameras for the simulator: one IP-camera snapshot server per lane (the camera simulator's),
 * optionally behind a flaky proxy (camera timeouts). Frames are rendered with the car's plate; the
 * truth is kept by frame hash so a simulated LPR can read what a real one would see.
 */
import { createHash } from 'node:crypto';
import { type SnapshotServer, renderVehicleFrame, startSnapshotServer } from '../camera/index.ts';
import type { Rng } from '../camera/index.ts';
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
  o: { timeoutRate: number; rng: Rng; width?: number; height?: number },
): Promise<LaneCamera> {
  const server = await startSnapshotServer();
  const flaky =
    o.timeoutRate > 0 ? await startFlakyCamera(server.url, { timeoutRate: o.timeoutRate, rng: o.rng }) : null;
  let shown: SimCar | null = null;
  return {
    laneId,
    url: flaky?.url ?? server.url,
    server,
    flaky,
    current: () => shown,
    async show(car) {
      shown = car;
      const frame = await renderVehicleFrame({
        plate: car?.plate ?? null,
        seed: car ? car.id * 7919 + laneId.length : 1,
        width: o.width ?? 480,
        height: o.height ?? 360,
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
