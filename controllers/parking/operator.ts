/** Operator commands from the dashboard: validated, executed, and audited (who, when, why). */
import type { ParkingError, ParkingErrorCode } from './errors.ts';
import type { Lane } from './lane.ts';
import type { Occupancy } from './occupancy.ts';
import { normalisePlate } from '../../core/plate.ts';
import { ok } from '../../core/ports/result.ts';
import {
  type AuditEntry,
  type InputResult,
  type OperatorCommand,
  type ParkingEvent,
  type Review,
  operatorCommandSchema,
} from './types.ts';

/** What an operator command needs from the controller (declared here so operator.ts does not import it back). */
export interface OperatorHost {
  readonly lanes: ReadonlyMap<string, Lane>;
  readonly reviews: ReadonlyMap<string, Review>;
  readonly occupancy: Occupancy;
  readonly audit: AuditEntry[];
  refusedDuringCommand: boolean;
  start(): void;
  now(): number;
  reject(code: ParkingErrorCode, message: string): { ok: false; error: ParkingError };
  event(e: ParkingEvent): void;
  countsChanged(): void;
  resolveReview(id: string, verdict: 'approve' | 'deny', who: string): unknown;
}

function target(cmd: OperatorCommand): string {
  if ('laneId' in cmd) return cmd.laneId;
  if ('reviewId' in cmd) return cmd.reviewId;
  if ('bayId' in cmd) return cmd.bayId;
  return 'lot';
}

export function handleOperator(c: OperatorHost, raw: unknown): InputResult {
  c.start();
  const parsed = operatorCommandSchema.safeParse(raw);
  if (!parsed.success)
    return c.reject('COMMAND_INVALID', parsed.error.issues[0]?.message ?? 'invalid command');
  const cmd = parsed.data;
  const entry: AuditEntry = {
    at: c.now(),
    who: cmd.who,
    why: cmd.why,
    command: cmd.type,
    target: target(cmd),
    accepted: true,
  };
  c.audit.push(entry);
  if (c.audit.length > 1000) c.audit.shift();
  c.refusedDuringCommand = false;
  const result = execute(c, cmd);
  if (!result.ok || c.refusedDuringCommand) entry.accepted = false;
  c.event({ type: 'operator.audit', entry });
  return result;
}

function execute(c: OperatorHost, cmd: OperatorCommand): InputResult {
  const meta = { who: cmd.who, why: cmd.why };
  switch (cmd.type) {
    case 'gate.open':
    case 'gate.close':
    case 'gate.reset': {
      const lane = c.lanes.get(cmd.laneId);
      if (!lane) return c.reject('LANE_UNKNOWN', `unknown lane "${cmd.laneId}"`);
      const type =
        cmd.type === 'gate.open'
          ? 'operator.open'
          : cmd.type === 'gate.close'
            ? 'operator.close'
            : 'operator.reset';
      lane.send({ type, ...meta });
      return ok();
    }
    case 'review.approve':
    case 'review.deny': {
      const review = c.reviews.get(cmd.reviewId);
      if (!review) return c.reject('REVIEW_UNKNOWN', `no pending review "${cmd.reviewId}"`);
      const approve = cmd.type === 'review.approve';
      const lane = c.lanes.get(review.laneId);
      // Only drive the gate if the reviewed vehicle is still the one on the lane.
      const stillThere = lane?.reviewId === review.id;
      c.resolveReview(review.id, approve ? 'approve' : 'deny', cmd.who);
      if (lane && stillThere) {
        // The operator's verdict replaces the unreadable one; the crossing is logged with it.
        const plate = review.best?.plate ? normalisePlate(review.best.plate) : null;
        const reason = approve ? 'operator-approved' : 'operator-denied';
        lane.decision = { verdict: approve ? 'open' : 'deny', reason, plate, category: null, alarm: false };
        lane.send({ type: approve ? 'decision.open' : 'decision.deny' });
      }
      return ok();
    }
    case 'bay.close':
    case 'bay.open':
      if (!c.occupancy.setClosed(cmd.bayId, cmd.type === 'bay.close'))
        return c.reject('BAY_UNKNOWN', `unknown bay "${cmd.bayId}"`);
      c.countsChanged();
      return ok();
    case 'count.set':
      c.occupancy.setGateCount(cmd.occupied);
      c.countsChanged();
      return ok();
  }
}
