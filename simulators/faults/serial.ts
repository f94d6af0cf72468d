/** Serial-line faults: corrupted bytes and sensor dropouts on a frame sink (a pty, a mock port). */
import type { Rng } from '../camera/index.ts';
import type { Clock } from '../../core/ports/clock.ts';

export type FrameSink = (bytes: Buffer) => void;

/** Flip one random bit in each byte with probability `rate` (EMI on a long RS-485 run). */
export function corruptBytes(bytes: Buffer, rate: number, rng: Rng): { bytes: Buffer; flipped: number } {
  const out = Buffer.from(bytes);
  let flipped = 0;
  for (let i = 0; i < out.length; i++) {
    if (!rng.chance(rate)) continue;
    out[i] = (out[i] ?? 0) ^ (1 << rng.int(0, 7));
    flipped++;
  }
  return { bytes: out, flipped };
}

export interface CorruptingSink {
  send: FrameSink;
  /** Bytes flipped so far. */
  flipped(): number;
  /** Frames that had at least one flipped byte. */
  corruptedFrames(): number;
  setRate(rate: number): void;
}

/** Wraps a sink so each byte is corrupted with probability `rate`. */
export function corruptingSink(sink: FrameSink, o: { rate: number; rng: Rng }): CorruptingSink {
  let rate = o.rate;
  let flipped = 0;
  let frames = 0;
  return {
    send: (bytes) => {
      const r = corruptBytes(bytes, rate, o.rng);
      flipped += r.flipped;
      if (r.flipped > 0) frames++;
      sink(r.bytes);
    },
    flipped: () => flipped,
    corruptedFrames: () => frames,
    setRate: (r) => {
      rate = r;
    },
  };
}

export interface SensorDropouts {
  /** A sink for one sensor that drops everything while the sensor is silenced. */
  wrap(sensorId: number, sink: FrameSink): FrameSink;
  /** Silence a sensor for `ms` (battery sag, radio shadow, a car parked on the antenna). */
  silence(sensorId: number, ms: number): void;
  isSilent(sensorId: number): boolean;
  /** Frames dropped so far. */
  dropped(): number;
}

export function sensorDropouts(clock: Clock): SensorDropouts {
  const until = new Map<number, number>();
  let dropped = 0;
  const isSilent = (id: number) => clock.now() < (until.get(id) ?? Number.NEGATIVE_INFINITY);
  return {
    wrap: (id, sink) => (bytes) => {
      if (isSilent(id)) dropped++;
      else sink(bytes);
    },
    silence: (id, ms) => {
      until.set(id, clock.now() + ms);
    },
    isSilent,
    dropped: () => dropped,
  };
}
