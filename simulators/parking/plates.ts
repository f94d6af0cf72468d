/**
 * Plate reads per lane passage: the plate the controller logged for each entry and exit, next to
 * the plate of the car the lane camera showed in the frame it was read from (the simulator's truth).
 * This is the figure the LPR benchmark (`docs/lpr.md`) promises, measured in a whole-system run.
 */
import type { LogRecord } from '../../controllers/parking/index.ts';
import type { SimCar } from './types.ts';

export interface PlateTally {
  /** Logged passages that were read from a camera frame. */
  passages: number;
  /** Logged plate equals the car's plate. */
  exact: number;
  /** Logged plate is some other plate (a false plate). */
  wrong: number;
  /** Frame read, no plate logged (unreadable; the operator or the lane fallback decided). */
  unread: number;
  /** Passages logged without any frame (tailgaters, camera failures): no read to score. */
  unframed: number;
  /** exact / passages; null when nothing was read. */
  exactRate: number | null;
  /** Up to 20 misreads, `truth→logged`, so a report shows what went wrong. */
  misreads: string[];
}

/** Which car a lane camera showed at a simulated time (null: empty lane or unknown lane). */
export type ShownAt = (laneId: string, atMs: number) => SimCar | null;

/**
 * Frame references are `<camera-or-lane>/<epoch ms of the read>` (the agent's and the in-process
 * OCR stand-in's alike); the car waits on the arming loop until it is decided, so the car shown at
 * that moment is the car in the frame.
 */
export function frameTime(frameRef: string | null): number | null {
  if (frameRef === null) return null;
  const ms = Number(frameRef.slice(frameRef.lastIndexOf('/') + 1));
  return Number.isFinite(ms) ? ms : null;
}

export function tallyPlates(log: readonly LogRecord[], shownAt: ShownAt): PlateTally {
  const t: PlateTally = {
    passages: 0,
    exact: 0,
    wrong: 0,
    unread: 0,
    unframed: 0,
    exactRate: null,
    misreads: [],
  };
  for (const r of log) {
    const at = frameTime(r.frameRef);
    const car = at === null ? null : shownAt(r.laneId, at);
    if (!car) {
      t.unframed++;
      continue;
    }
    t.passages++;
    if (r.plate === car.plate) t.exact++;
    else {
      if (r.plate === null) t.unread++;
      else t.wrong++;
      if (t.misreads.length < 20) t.misreads.push(`${car.plate}→${r.plate ?? '∅'}`);
    }
  }
  t.exactRate = t.passages > 0 ? t.exact / t.passages : null;
  return t;
}
