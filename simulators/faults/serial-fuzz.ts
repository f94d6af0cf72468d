/**
 * Serial-line fuzzer: garbage of the kinds a faulty bay-sensor bus produces, to interleave with
 * valid frames. Every kind is built to tempt the parser: START bytes, plausible LEN fields, torn
 * and bit-flipped copies of real frames.
 */
import { FRAME_START, MAX_FRAME_BYTES } from '../../core/ports/serial-frames.ts';
import type { Rng } from '../camera/index.ts';

export const GARBAGE_KINDS = ['noise', 'torn', 'flipped', 'falseStart', 'startDense'] as const;
export type GarbageKind = (typeof GARBAGE_KINDS)[number];

/**
 * One piece of garbage. `template` is a real frame to tear or corrupt (a frame from the same bus
 * is the most plausible garbage there is).
 * - noise: 1..40 uniform random bytes
 * - torn: the template cut short (often by one or two bytes, the hardest case)
 * - flipped: the template with one to three bits flipped (CRC-16 detects them all)
 * - falseStart: START, a LEN in range, then fewer bytes than LEN promises
 * - startDense: random bytes of which about a third are START
 */
export function garbage(rng: Rng, template: Buffer, kind: GarbageKind = rng.pick(GARBAGE_KINDS)): Buffer {
  switch (kind) {
    case 'noise':
      return randomBytes(rng, rng.int(1, 40), 0);
    case 'torn': {
      const short = rng.chance(0.5) ? rng.int(1, 2) : rng.int(1, template.length - 1);
      return Buffer.from(template.subarray(0, template.length - short));
    }
    case 'flipped': {
      const out = Buffer.from(template);
      for (let n = rng.int(1, 3); n > 0; n--) {
        const at = rng.int(0, out.length - 1);
        out[at] = (out[at] ?? 0) ^ (1 << rng.int(0, 7));
      }
      return out;
    }
    case 'falseStart': {
      const len = rng.int(3, MAX_FRAME_BYTES - 4);
      return Buffer.concat([Buffer.from([FRAME_START, len]), randomBytes(rng, rng.int(0, len + 1), 0)]);
    }
    case 'startDense':
      return randomBytes(rng, rng.int(1, 40), 0.3);
  }
}

function randomBytes(rng: Rng, n: number, startShare: number): Buffer {
  return Buffer.from(
    Array.from({ length: n }, () => (rng.chance(startShare) ? FRAME_START : rng.int(0, 255))),
  );
}

/** Counts of what a fuzzer wrote, by kind. */
export type GarbageCounts = Record<GarbageKind, number>;

/** A garbage source that remembers how many pieces of each kind it produced. */
export function garbageSource(rng: Rng): { next(template: Buffer): Buffer; counts: GarbageCounts } {
  const counts = Object.fromEntries(GARBAGE_KINDS.map((k) => [k, 0])) as GarbageCounts;
  return {
    next: (template) => {
      const kind = rng.pick(GARBAGE_KINDS);
      counts[kind]++;
      return garbage(rng, template, kind);
    },
    counts,
  };
}
