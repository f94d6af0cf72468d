/** Which frames to delete, pure so every limit can be tested without a disk. */
import type { FrameEntry } from './layout.ts';

export interface RetentionLimits {
  maxFiles: number;
  maxBytes: number;
  maxAgeMs: number;
}

/**
 * Returns how many of the oldest entries (sorted oldest first) must go so that the rest is within
 * all three limits. Age is measured from the time in the name (the store's clock at save), so a
 * test or simulator clock drives it, not file mtimes.
 */
export function countToRemove(
  sorted: readonly FrameEntry[],
  totalBytes: number,
  limits: RetentionLimits,
  nowEpochMs: number,
): number {
  let n = 0;
  let bytes = totalBytes;
  for (const e of sorted) {
    const files = sorted.length - n;
    const tooOld = nowEpochMs - e.epochMs > limits.maxAgeMs;
    if (files <= limits.maxFiles && bytes <= limits.maxBytes && !tooOld) break;
    bytes -= e.bytes;
    n++;
  }
  return n;
}
