/**
 * Plate reads per lane passage: the plate the controller logged for each entry and exit, next to
 * the plate of the car the lane camera showed while it was identified (the simulator's truth).
 * This is the figure the LPR benchmark (`docs/lpr.md`) promises, measured in a whole-system run.
 */
import type { LogRecord } from '../../controllers/parking/index.ts';
import type { SimCar } from './types.ts';

export interface PlateTally {
  /** Logged passages decided on a read of their own (a frame, or the lane's identify timeout). */
  passages: number;
  /** Logged plate equals the car's plate. */
  exact: number;
  /** Logged plate is some other plate (a false plate). */
  wrong: number;
  /** No plate logged (unreadable or no frame in time; the operator or the lane fallback decided). */
  unread: number;
  /** Passages without an identification of their own (tailgaters, operator openings). */
  unframed: number;
  /** exact / passages; null when nothing was read. */
  exactRate: number | null;
  /** Up to 20 misreads, `truth→logged`, so a report shows what went wrong. */
  misreads: string[];
}

/** Which car a lane camera showed at a simulated time (null: empty lane or unknown lane). */
export type ShownAt = (laneId: string, atMs: number) => SimCar | null;

/** When a lane decided on a read (the controller's `decision` event). */
export interface LaneDecision {
  laneId: string;
  at: number;
}

/**
 * Pairs each logged passage with the lane's latest decision before it: the car waits on the arming
 * loop until it is decided, so the car the camera showed at that moment is the car that was read.
 * (Decision times, not `frameRef`s: the agent's frame references are its frame store's paths.)
 * Tailgaters and passages with no decision of their own (an operator opening) have no read.
 */
export function tallyPlates(
  log: readonly LogRecord[],
  decisions: readonly LaneDecision[],
  shownAt: ShownAt,
): PlateTally {
  const t: PlateTally = {
    passages: 0,
    exact: 0,
    wrong: 0,
    unread: 0,
    unframed: 0,
    exactRate: null,
    misreads: [],
  };
  const used = new Set<LaneDecision>();
  for (const r of log) {
    const d = r.decision === 'tailgate' ? undefined : latestBefore(decisions, r.laneId, r.at);
    const car = d && !used.has(d) ? shownAt(r.laneId, d.at) : null;
    if (!d || !car) {
      t.unframed++;
      continue;
    }
    used.add(d);
    score(t, car.plate, r.plate);
  }
  t.exactRate = t.passages > 0 ? t.exact / t.passages : null;
  return t;
}

function latestBefore(
  decisions: readonly LaneDecision[],
  laneId: string,
  atMs: number,
): LaneDecision | undefined {
  let found: LaneDecision | undefined;
  for (const d of decisions) if (d.laneId === laneId && d.at <= atMs) found = d;
  return found;
}

function score(t: PlateTally, truth: string, logged: string | null): void {
  t.passages++;
  if (logged === truth) {
    t.exact++;
    return;
  }
  if (logged === null) t.unread++;
  else t.wrong++;
  if (t.misreads.length < 20) t.misreads.push(`${truth}→${logged ?? '∅'}`);
}
