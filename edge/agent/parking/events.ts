/**
 * Maps parking-controller events to contract messages. Contract ids are lowercase
 * (`idSchema`), lot files may use `D01`: ids are lowercased on the way out.
 */
import { isPlausiblePlate } from '../../../core/plate.ts';
import type {
  BayStatus,
  BayView,
  GateStateName,
  LotConfig,
  LotCounts,
  ParkingController,
  ParkingEvent,
} from '../../../controllers/parking/index.ts';
import type { FeatureContext } from '../feature.ts';

const id = (s: string) => s.toLowerCase();
/** The contract's plate form; anything else (spaces, OCR junk) leaves the box as null. */
const plateOf = (p: string | null | undefined) => (p && isPlausiblePlate(p) ? p : null);
/** The contract caps the retained list; the oldest reviews are the ones an operator sees first. */
const MAX_PENDING = 100;

/** Retained `parking/reviews`: the controller's pending reviews, replaced whenever they change. */
export function publishReviews(ctx: FeatureContext, ctl: ParkingController): void {
  const pending = ctl
    .snapshot()
    .reviews.slice(0, MAX_PENDING)
    .map((r) => ({
      reviewId: r.id,
      lane: id(r.laneId),
      plate: plateOf(r.best?.plate),
      ...(r.best ? { confidence: r.best.confidence } : {}),
      reason: r.reason,
      since: r.at,
      ...(r.best?.frameRef ? { frameRef: r.best.frameRef.slice(0, 200) } : {}),
    }));
  ctx.publisher.publish('parkingReviews', {}, { pending });
}

const barrierOf = (state: GateStateName): 'up' | 'down' | 'moving' | 'unknown' =>
  state === 'open'
    ? 'up'
    : state === 'closed'
      ? 'down'
      : state === 'opening' || state === 'closing'
        ? 'moving'
        : 'unknown';

const ALARM_KIND = {
  tailgate: 'tailgating',
  'disabled-bay-violation': 'disabledViolation',
  'occupancy-drift': 'drift',
  blocklisted: 'denied',
  'gate-fault': 'fault',
  'power-loss': 'fault',
} as const;

/**
 * Retained `parking/lot`, built from what the events carry (the occupancy event's counts, the bay
 * events' statuses) instead of a controller snapshot per bay change, and published only when the
 * payload changed: the lot follows the occupancy, drift and full events of one change, and each
 * used to send the same counts again (with every gate re-sent beside them).
 */
export class LotState {
  private counts: LotCounts;
  private full: boolean;
  /** Disabled bay id → status: the lot reports their total and free count. */
  private readonly disabled = new Map<string, BayStatus>();
  private last = '';

  constructor(
    private readonly ctx: FeatureContext,
    ctl: ParkingController,
  ) {
    const snap = ctl.snapshot();
    this.counts = snap.counts;
    this.full = snap.full;
    for (const b of snap.bays) if (b.kind === 'disabled') this.disabled.set(b.id, b.status);
  }

  bay(view: BayView): void {
    if (view.kind === 'disabled') this.disabled.set(view.id, view.status);
  }

  occupancy(counts: LotCounts): void {
    this.counts = counts;
    this.publish();
  }

  lotFull(on: boolean): void {
    this.full = on;
    this.publish();
  }

  publish(): void {
    const c = this.counts;
    const statuses = [...this.disabled.values()];
    const data = {
      totalSpotNumber: c.totalSpotNumber,
      availableSpotNumber: c.availableSpotNumber,
      occupiedSpotNumber: c.occupiedSpotNumber,
      unknownSpotNumber: c.unknownSpotNumber,
      full: this.full,
      drift: c.drift ?? 0,
      disabled: { total: statuses.length, available: statuses.filter((s) => s === 'free').length },
    };
    const key = JSON.stringify(data);
    if (key === this.last) return;
    this.last = key;
    this.ctx.publisher.publish('parkingLot', {}, data);
  }
}

/** At start: the lot and every gate, so retained state replaces what a previous run left. */
export function publishLotState(
  ctx: FeatureContext,
  lot: LotConfig,
  ctl: ParkingController,
  state: LotState,
): void {
  state.publish();
  for (const g of ctl.snapshot().gates) publishGate(ctx, lot, g.laneId, g.state, g.faultReason);
}

function publishGate(
  ctx: FeatureContext,
  lot: LotConfig,
  laneId: string,
  state: GateStateName,
  fault: string | null,
) {
  const direction = lot.lanes.find((l) => l.id === laneId)?.direction ?? 'entry';
  ctx.publisher.publish(
    'parkingGate',
    { lane: id(laneId) },
    { lane: id(laneId), direction, state, barrier: barrierOf(state), fault: fault?.slice(0, 128) ?? null },
  );
}

export function mapParkingEvent(
  ctx: FeatureContext,
  lot: LotConfig,
  ctl: ParkingController,
  lotState: LotState,
  e: ParkingEvent,
): void {
  const p = ctx.publisher;
  switch (e.type) {
    case 'gate.state':
      publishGate(
        ctx,
        lot,
        e.laneId,
        e.state,
        ctl.snapshot().gates.find((g) => g.laneId === e.laneId)?.faultReason ?? null,
      );
      return;
    case 'entry':
    case 'exit': {
      const r = e.record;
      p.publish(
        'parkingEvent',
        {},
        {
          kind: e.type,
          lane: id(r.laneId),
          plate: plateOf(r.plate),
          ...(r.confidence === null ? {} : { confidence: r.confidence }),
          reason: r.decision,
          ...(r.stayMs === undefined ? {} : { stayS: r.stayMs / 1000 }),
          ...(r.frameRef ? { frameRef: r.frameRef.slice(0, 200) } : {}),
        },
        r.at,
      );
      return;
    }
    case 'decision':
      if (e.decision.verdict !== 'deny') return;
      p.publish(
        'parkingEvent',
        {},
        {
          kind: 'denied',
          lane: id(e.laneId),
          plate: e.decision.plate,
          decision: 'deny',
          reason: e.decision.reason,
        },
        e.at,
      );
      return;
    case 'alarm':
      p.publish(
        'parkingEvent',
        {},
        {
          kind: ALARM_KIND[e.code],
          ...(e.laneId ? { lane: id(e.laneId) } : {}),
          ...(e.bayId ? { bay: id(e.bayId) } : {}),
          ...(e.plate !== undefined ? { plate: e.plate } : {}),
          reason: `${e.code}${e.detail ? `: ${e.detail}` : ''}`.slice(0, 200),
        },
        e.at,
      );
      return;
    case 'review.requested':
      p.publish(
        'parkingEvent',
        {},
        {
          kind: 'review',
          lane: id(e.review.laneId),
          plate: plateOf(e.review.best?.plate),
          reason: `${e.review.id}: ${e.review.reason}`,
          reviewId: e.review.id,
        },
        e.review.at,
      );
      publishReviews(ctx, ctl);
      return;
    case 'review.resolved':
      p.publish(
        'parkingEvent',
        {},
        {
          kind: 'reviewDecided',
          lane: id(e.review.laneId),
          decision: e.verdict === 'approve' ? 'open' : 'deny',
          by: e.who.slice(0, 64),
          reason: e.review.id,
          reviewId: e.review.id,
        },
        e.at,
      );
      publishReviews(ctx, ctl);
      return;
    case 'operator.audit':
      p.publish(
        'parkingEvent',
        {},
        {
          kind: 'operator',
          by: e.entry.who.slice(0, 64),
          reason: `${e.entry.command} ${e.entry.target}: ${e.entry.why}`.slice(0, 200),
        },
        e.entry.at,
      );
      return;
    case 'bay.status':
      lotState.bay(e.bay);
      p.publish(
        'parkingBay',
        { bay: id(e.bay.id) },
        { bay: id(e.bay.id), kind: e.bay.kind, status: e.bay.status, since: e.at },
        e.at,
      );
      return;
    case 'occupancy':
    case 'occupancy.drift':
      lotState.occupancy(e.counts);
      return;
    case 'lot.full':
      p.publish('parkingEvent', {}, { kind: 'full', reason: e.on ? 'full' : 'spaces available' }, e.at);
      lotState.lotFull(e.on);
      return;
    case 'input.rejected':
      ctx.count(`PARKING_${e.error.code}`, e.error.message);
      return;
    case 'operator.refused':
    case 'bay.unverified':
      return;
  }
}
