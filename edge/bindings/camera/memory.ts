/**
 * In-memory camera for simulators and tests: frames are queued by the simulator (or a fixed frame is
 * repeated); failures can be injected with a code.
 */
import { BindingError, type CameraErrorCode } from '../../../core/ports/binding-error.ts';
import type { Camera } from '../../../core/ports/camera.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

/** A minimal valid JPEG-framed buffer (SOI … EOI) carrying `label` for tests and simulators. */
export function fakeJpeg(label: string): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.from(label),
    Buffer.from([0xff, 0xd9]),
  ]);
}

export class MemoryCamera implements Camera {
  private readonly queue: Buffer[] = [];
  private fixed: Buffer | null = null;
  private failures: CameraErrorCode[] = [];
  private closed = false;
  /** Number of snapshot() calls, so tests can check triggering. */
  calls = 0;

  constructor(
    readonly name: string,
    private readonly opts: { latencyMs?: number; clock?: Clock } = {},
  ) {}

  /** Queues a frame returned once, in FIFO order. */
  push(frame: Buffer): void {
    this.queue.push(frame);
  }

  /** Frame returned whenever the queue is empty. */
  setFixedFrame(frame: Buffer | null): void {
    this.fixed = frame;
  }

  /** The next snapshot() rejects with this code. */
  failNext(code: CameraErrorCode): void {
    this.failures.push(code);
  }

  async snapshot(): Promise<Buffer> {
    this.calls++;
    if (this.closed) throw new BindingError('CAMERA_CLOSED', `${this.name} is closed`);
    const latency = this.opts.latencyMs ?? 0;
    if (latency > 0) {
      const clock = this.opts.clock ?? systemClock;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, latency));
    }
    const failure = this.failures.shift();
    if (failure) throw new BindingError(failure, `${this.name}: injected ${failure}`);
    const frame = this.queue.shift() ?? this.fixed;
    if (!frame) throw new BindingError('CAMERA_NO_FRAME', `${this.name}: no frame available`);
    return frame;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
