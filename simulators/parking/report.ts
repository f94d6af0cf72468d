/** The simulator's verdict: ground truth next to what the controller saw, and a few figures. */
import type {
  LotConfig,
  LotCounts,
  ParkingController,
  ParkingEvent,
} from '../../controllers/parking/index.ts';
import type { ParserCounters } from '../../core/ports/serial-frames.ts';
import type { LaneCamera } from './cameras.ts';
import type { SimOptions } from './options.ts';
import { type PlateTally, tallyPlates } from './plates.ts';
import type { Truth } from './types.ts';
import type { LotWorld } from './world.ts';

export interface SimReport {
  simulatedMs: number;
  wallMs: number;
  speedAchieved: number;
  truth: Truth;
  controller: {
    entries: number;
    exits: number;
    counts: LotCounts;
    alarms: Record<string, number>;
    reviews: number;
    rejected: Record<string, number>;
    fuzzyExitMatches: number;
    ambiguousExits: number;
    unmatchedExits: number;
    meanStayMin: number | null;
    driftReports: number;
  };
  serial: { frames: number; badCrc: number; droppedBytes: number; writeErrors: number };
  cameras: { hung: number; snapshots: number };
  ocrWrongReads: number;
  /** Each logged passage's plate against the car its camera showed. */
  plates: PlateTally;
}

export function buildReport(o: {
  lot: LotConfig;
  ctl: ParkingController;
  world: LotWorld;
  events: ParkingEvent[];
  cameras: Map<string, LaneCamera>;
  opts: SimOptions;
  wallMs: number;
  ocrWrong: number;
  writeErrors: number;
  serial: ParserCounters | null;
}): SimReport {
  const snap = o.ctl.snapshot();
  const log = o.ctl.logTail(1_000_000);
  const exits = log.filter((r) => r.kind === 'exit');
  const stays = exits.map((r) => r.stayMs).filter((s): s is number => s !== undefined);
  const alarms: Record<string, number> = {};
  for (const e of o.events) if (e.type === 'alarm') alarms[e.code] = (alarms[e.code] ?? 0) + 1;
  return {
    simulatedMs: o.opts.durationMs,
    wallMs: Math.round(o.wallMs),
    speedAchieved: Math.round(o.opts.durationMs / o.wallMs),
    truth: { ...o.world.truth },
    controller: {
      entries: log.filter((r) => r.kind === 'entry').length,
      exits: exits.length,
      counts: snap.counts,
      alarms,
      reviews: o.events.filter((e) => e.type === 'review.requested').length,
      rejected: snap.rejected,
      fuzzyExitMatches: exits.filter((r) => r.match === 'fuzzy').length,
      ambiguousExits: exits.filter((r) => r.match === 'ambiguous').length,
      unmatchedExits: exits.filter((r) => r.match === 'none').length,
      meanStayMin: stays.length ? Math.round(stays.reduce((a, b) => a + b, 0) / stays.length / 60_000) : null,
      driftReports: o.events.filter((e) => e.type === 'occupancy.drift').length,
    },
    serial: {
      frames: o.serial?.frames ?? 0,
      badCrc: o.serial?.badCrc ?? 0,
      droppedBytes: o.serial?.droppedBytes ?? 0,
      writeErrors: o.writeErrors,
    },
    cameras: {
      hung: [...o.cameras.values()].reduce((n, c) => n + (c.flaky?.hung() ?? 0), 0),
      snapshots: [...o.cameras.values()].reduce((n, c) => n + c.server.requests(), 0),
    },
    ocrWrongReads: o.ocrWrong,
    plates: tallyPlates(
      log,
      o.events.flatMap((e) => (e.type === 'decision' ? [{ laneId: e.laneId, at: e.at }] : [])),
      (laneId, at) => o.cameras.get(laneId)?.shownAt(at) ?? null,
    ),
  };
}
