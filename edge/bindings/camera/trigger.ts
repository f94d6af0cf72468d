/**
 * Frames triggered by an arming loop: on an input edge, take `count` snapshots `intervalMs` apart
 * (the vehicle moves through the camera's field while the loop is occupied).
 */
import {
  type BindingError,
  err,
  ok,
  type Result,
  toBindingError,
} from '../../../core/ports/binding-error.ts';
import type { DigitalEdge, DigitalInput, EdgeKind } from '../../../core/ports/gpio.ts';
import { listenerSet } from '../listeners.ts';
import type { Camera } from '../../../core/ports/camera.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

/** snapshot() as a Result value, for callers that collect outcomes rather than catch. */
export async function takeSnapshot(camera: Camera): Promise<Result<Buffer, BindingError>> {
  try {
    return ok(await camera.snapshot());
  } catch (e) {
    return err(toBindingError(e, 'CAMERA_IO_FAILED', camera.name));
  }
}

export interface Capture {
  edge: DigitalEdge;
  /** One entry per requested snapshot, in order; failures are values with codes. */
  frames: Result<Buffer, BindingError>[];
}

export interface ArmingCaptureOptions {
  input: DigitalInput;
  camera: Camera;
  /** Default 'rising' (loop becomes occupied). */
  edge?: EdgeKind;
  /** Default 3. */
  count?: number;
  /** Default 200 ms. */
  intervalMs?: number;
  clock?: Clock;
  onCapture: (capture: Capture) => void;
}

/** Returns a function that stops listening and cancels bursts not yet started. */
export function captureOnEdge(opts: ArmingCaptureOptions): () => void {
  const clock = opts.clock ?? systemClock;
  const count = opts.count ?? 3;
  const intervalMs = opts.intervalMs ?? 200;
  const timers = new Set<unknown>();
  // Isolated so a throwing consumer cannot become an unhandled rejection (which kills Node 20).
  const captured = listenerSet<[Capture]>('arming capture');
  captured.add(opts.onCapture);

  const burst = (edge: DigitalEdge): void => {
    const shots: Promise<Result<Buffer, BindingError>>[] = [];
    const shoot = (i: number): void => {
      shots.push(takeSnapshot(opts.camera));
      if (i + 1 < count) {
        const t = clock.setTimeout(() => {
          timers.delete(t);
          shoot(i + 1);
        }, intervalMs);
        timers.add(t);
      } else {
        void Promise.all(shots).then((frames) => captured.emit({ edge, frames }));
      }
    };
    shoot(0);
  };

  const off = opts.input.onEdge((e) => {
    if (e.edge === (opts.edge ?? 'rising')) burst(e);
  });
  return () => {
    off();
    for (const t of timers) clock.clearTimeout(t);
    timers.clear();
  };
}
