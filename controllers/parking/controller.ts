/**
 * The parking controller facade: wires lane barrier machines, the decision function, occupancy and
 * the in/out log. Pure apart from the injected clock; devices reach it only through the input
 * methods and leave it only through `onOutput` / `onEvent`.
 */
import { type LotConfig, type Registry, reviewFallback, vehicleSchema } from './config.ts';
import { type Decision, type PlateRead, decide, isFullForVisitors } from './decision.ts';
import { type ParkingError, type ParkingErrorCode, fail } from './errors.ts';
import type { GateEmitted, gateMachine } from './gate-machine.ts';
import { Lane } from './lane.ts';
import { InOutLog } from './log.ts';
import { normalisePlate } from '../../core/plate.ts';
import { ok } from '../../core/ports/result.ts';
import { Occupancy, bayReadingSchema } from './occupancy.ts';
import { type RegistryIndex, hasDisabledPermit, indexRegistry, withoutPlate } from './registry.ts';
import { handleOperator } from './operator.ts';
import {
  type InputResult,
  type OperatorCommandInput,
  type ParkingEvent,
  type ParkingOutput,
  type ParkingSnapshot,
  type Review,
  plateReadSchema,
  type AuditEntry,
} from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface ControllerOptions {
  clock: Clock;
  /** Swap the barrier machine (e.g. `gateMachine.provide({...})`) for tests or custom gates. */
  gateMachine?: typeof gateMachine;
  /** Bay-camera reads below this confidence are reported unverified, not as violations. */
  bayCameraMinConfidence?: number;
}

type Listener<T> = (value: T) => void;

export class ParkingControllerImpl {
  readonly lanes = new Map<string, Lane>();
  readonly log = new InOutLog();
  readonly occupancy: Occupancy;
  readonly reviews = new Map<string, Review>();
  readonly audit: AuditEntry[] = [];
  registry: RegistryIndex;
  private readonly rejected: Record<string, number> = {};
  private readonly outputs = new Set<Listener<ParkingOutput>>();
  private readonly events = new Set<Listener<ParkingEvent>>();
  private readonly expecting = new Set<string>();
  /** Pending 'safety clear' per lane (see `timing.safetyClearMs`). */
  private readonly safetyClear = new Map<string, unknown>();
  private reviewSeq = 0;
  /** Set when the machine refuses the operator command being executed (see operator.ts). */
  refusedDuringCommand = false;
  private full = false;
  private started = false;

  constructor(
    readonly lot: LotConfig,
    registry: Registry,
    readonly opts: ControllerOptions,
  ) {
    this.registry = indexRegistry(registry);
    this.occupancy = new Occupancy(lot, opts.clock, {
      bayStatus: (bay, previous) => {
        this.event({ type: 'bay.status', bay, previous, at: this.now() });
        if (bay.kind === 'disabled' && bay.status !== 'occupied')
          this.output({ type: 'bay.warning', bayId: bay.id, on: false });
        this.countsChanged();
      },
      drift: (counts, corrected) => {
        this.event({ type: 'occupancy.drift', counts, corrected, at: this.now() });
        this.alarm({
          code: 'occupancy-drift',
          detail: `gate ${counts.gateCount} vs bays ${counts.bayOccupied}`,
        });
        if (corrected) this.countsChanged();
      },
    });
    for (const cfg of lot.lanes) {
      const lane = new Lane(
        cfg,
        opts.clock,
        {
          emitted: (l, e) => this.onGate(l, e),
          state: (l, state) => {
            this.event({ type: 'gate.state', laneId: l.id, state, at: this.now() });
            if (state === 'closed' || state === 'opening') this.stopExpecting(l, state === 'closed');
          },
        },
        opts.gateMachine,
      );
      this.lanes.set(cfg.id, lane);
    }
  }

  now(): number {
    return this.opts.clock.now();
  }

  onOutput(fn: Listener<ParkingOutput>): () => void {
    this.outputs.add(fn);
    return () => this.outputs.delete(fn);
  }

  onEvent(fn: Listener<ParkingEvent>): () => void {
    this.events.add(fn);
    return () => this.events.delete(fn);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const lane of this.lanes.values()) lane.start();
    this.full = isFullForVisitors(this.lot, this.occupancy.counts().occupiedSpotNumber);
    this.signs();
  }

  stop(): void {
    for (const lane of this.lanes.values()) lane.actor.stop();
    this.occupancy.dispose();
  }

  loop(laneId: string, which: 'arming' | 'safety', on: boolean): InputResult {
    const lane = this.lane(laneId);
    if (!lane) return this.reject('LANE_UNKNOWN', `unknown lane "${laneId}"`);
    if (which === 'arming') {
      lane.send({ type: 'loop.arming', on });
      return ok();
    }
    const pending = this.safetyClear.get(laneId);
    if (pending !== undefined) {
      this.opts.clock.clearTimeout(pending);
      this.safetyClear.delete(laneId);
    }
    const delay = lane.config.timing.safetyClearMs;
    if (on || delay === 0) lane.send({ type: 'loop.safety', on });
    else {
      const timer = this.opts.clock.setTimeout(() => {
        this.safetyClear.delete(laneId);
        lane.send({ type: 'loop.safety', on: false });
      }, delay);
      this.safetyClear.set(laneId, timer);
    }
    return ok();
  }

  limit(laneId: string, which: 'open' | 'closed', on: boolean): InputResult {
    const lane = this.lane(laneId);
    if (!lane) return this.reject('LANE_UNKNOWN', `unknown lane "${laneId}"`);
    lane.send({ type: which === 'open' ? 'limit.open' : 'limit.closed', on });
    return ok();
  }

  plateRead(laneId: string, raw: unknown): InputResult {
    const lane = this.lane(laneId);
    if (!lane) return this.reject('LANE_UNKNOWN', `unknown lane "${laneId}"`);
    const parsed = plateReadSchema.safeParse(raw);
    if (!parsed.success)
      return this.reject('PLATE_MALFORMED', `lane ${laneId}: ${parsed.error.issues[0]?.message}`);
    if (!this.expecting.has(laneId))
      return this.reject('PLATE_UNEXPECTED', `lane ${laneId}: no vehicle is being identified`);
    lane.frames.push(parsed.data);
    const best = lane.best() ?? parsed.data;
    const d = this.decideFor(lane, best);
    // Try more frames before bothering an operator.
    if (
      d.verdict === 'review' &&
      lane.frames.length < lane.config.identify.maxFrames &&
      lane.reviewId === null
    ) {
      this.output({ type: 'camera.trigger', laneId });
      return ok();
    }
    this.finalise(lane, d, best);
    return ok();
  }

  baySensor(sensorId: string, raw: unknown): InputResult {
    if (!this.occupancy.hasSensor(sensorId))
      return this.reject('SENSOR_UNKNOWN', `unknown bay sensor "${sensorId}"`);
    const parsed = bayReadingSchema.safeParse(raw);
    if (!parsed.success)
      return this.reject('READING_MALFORMED', `sensor ${sensorId}: ${parsed.error.issues[0]?.message}`);
    if (!this.occupancy.reading(sensorId, parsed.data))
      return this.reject('SENSOR_FAULT', `sensor ${sensorId} reports a fault`);
    return ok();
  }

  bayCameraRead(bayId: string, raw: unknown): InputResult {
    const bay = this.occupancy.bay(bayId);
    if (!bay) return this.reject('BAY_UNKNOWN', `unknown bay "${bayId}"`);
    const parsed = plateReadSchema.safeParse(raw);
    if (!parsed.success)
      return this.reject('PLATE_MALFORMED', `bay ${bayId}: ${parsed.error.issues[0]?.message}`);
    if (bay.kind !== 'disabled') return ok();
    const { plate, confidence } = parsed.data;
    if (plate === null || confidence < (this.opts.bayCameraMinConfidence ?? 0.8)) {
      this.event({ type: 'bay.unverified', bayId, plate, at: this.now() });
      return ok();
    }
    const permitted = hasDisabledPermit(this.registry, plate, this.now());
    if (!permitted && !bay.violation) {
      this.occupancy.setViolation(bayId, true);
      this.output({ type: 'bay.warning', bayId, on: true });
      this.alarm({
        code: 'disabled-bay-violation',
        bayId,
        plate: normalisePlate(plate),
        detail: parsed.data.frameRef ?? '',
      });
    } else if (permitted && bay.violation) {
      this.occupancy.setViolation(bayId, false);
      this.output({ type: 'bay.warning', bayId, on: false });
    }
    return ok();
  }

  operator(raw: OperatorCommandInput | unknown): InputResult {
    return handleOperator(this, raw);
  }

  /** Add or replace a registry entry (e.g. a disabled driver's vehicle registered at the office). */
  registerVehicle(raw: unknown): InputResult {
    const parsed = vehicleSchema.safeParse(raw);
    if (!parsed.success) return this.reject('REGISTRY_INVALID', parsed.error.issues[0]?.message ?? 'invalid');
    const vehicles = [...this.registry.byPlate.values()].filter((v) => v.plate !== parsed.data.plate);
    this.registry = indexRegistry({ vehicles: [...vehicles, parsed.data] });
    return ok();
  }

  /**
   * Drop a registry entry (permit revoked, staff left). Vehicles already inside keep their open
   * stay: the next decision for that plate treats it as unregistered. Returns whether one was removed.
   */
  removeVehicle(plate: string): boolean {
    const next = withoutPlate(this.registry, plate);
    if (next === null) return false;
    this.registry = next;
    return true;
  }

  powerLoss(): void {
    for (const lane of this.lanes.values()) lane.send({ type: 'power.lost' });
  }

  powerRestored(): void {
    for (const lane of this.lanes.values()) lane.send({ type: 'power.restored' });
  }

  snapshot(): ParkingSnapshot {
    return {
      at: this.now(),
      lotId: this.lot.id,
      counts: this.occupancy.counts(),
      full: this.full,
      bays: this.occupancy.views(),
      gates: [...this.lanes.values()].map((l) => l.view()),
      reviews: [...this.reviews.values()],
      openStays: this.log.openStays().length,
      rejected: { ...this.rejected },
      audit: this.audit.slice(-100),
    };
  }

  // ——— internals shared with operator.ts ———

  lane(laneId: string): Lane | undefined {
    this.start();
    return this.lanes.get(laneId);
  }

  reject(code: ParkingErrorCode, message: string): { ok: false; error: ParkingError } {
    const error = fail(code, message);
    this.rejected[code] = (this.rejected[code] ?? 0) + 1;
    this.event({ type: 'input.rejected', error, at: this.now() });
    return { ok: false, error };
  }

  event(e: ParkingEvent): void {
    for (const fn of this.events) this.safely(() => fn(e));
  }

  output(o: ParkingOutput): void {
    for (const fn of this.outputs) this.safely(() => fn(o));
  }

  /** A throwing listener must not stop a barrier machine mid-transition: count it and go on. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      this.rejected.LISTENER_FAILED = (this.rejected.LISTENER_FAILED ?? 0) + 1;
    }
  }

  alarm(a: Omit<Extract<ParkingEvent, { type: 'alarm' }>, 'type' | 'at'>): void {
    this.event({ type: 'alarm', at: this.now(), ...a });
  }

  countsChanged(): void {
    const counts = this.occupancy.counts();
    this.event({ type: 'occupancy', counts, at: this.now() });
    const full = isFullForVisitors(this.lot, counts.occupiedSpotNumber);
    if (full === this.full) return;
    this.full = full;
    this.event({ type: 'lot.full', on: full, at: this.now() });
    this.signs();
  }

  /** A verdict for the vehicle on the lane: record it and drive the barrier. */
  finalise(lane: Lane, d: Decision, best: PlateRead | null): void {
    lane.decision = d;
    this.event({ type: 'decision', laneId: lane.id, decision: d, at: this.now() });
    if (d.verdict === 'review') {
      this.openReview(lane, d.reason === 'low-confidence' ? 'low-confidence' : 'unreadable', best);
      if (reviewFallback(lane.config) !== 'wait') this.expecting.delete(lane.id);
      lane.send({ type: 'decision.review' });
      return;
    }
    this.expecting.delete(lane.id);
    if (lane.reviewId !== null)
      this.resolveReview(lane.reviewId, d.verdict === 'open' ? 'approve' : 'deny', 'system:frame');
    if (d.alarm) this.alarm({ code: 'blocklisted', laneId: lane.id, plate: d.plate });
    lane.send({ type: d.verdict === 'open' ? 'decision.open' : 'decision.deny' });
  }

  resolveReview(id: string, verdict: 'approve' | 'deny', who: string): Review | undefined {
    const review = this.reviews.get(id);
    if (!review) return undefined;
    this.reviews.delete(id);
    for (const l of this.lanes.values()) if (l.reviewId === id) l.reviewId = null;
    this.event({ type: 'review.resolved', review, verdict, who, at: this.now() });
    return review;
  }

  private decideFor(lane: Lane, read: PlateRead): Decision {
    const occupied = this.occupancy.counts().occupiedSpotNumber;
    return decide({
      lot: this.lot,
      lane: lane.config,
      read,
      registry: this.registry,
      occupied,
      nowMs: this.now(),
    });
  }

  private openReview(lane: Lane, reason: Review['reason'], best: PlateRead | null): void {
    if (lane.reviewId !== null) return;
    const review: Review = {
      id: `R${++this.reviewSeq}`,
      laneId: lane.id,
      at: this.now(),
      reason,
      best,
      frames: [...lane.frames],
      fallback: reviewFallback(lane.config),
    };
    lane.reviewId = review.id;
    this.reviews.set(review.id, review);
    this.event({ type: 'review.requested', review });
  }

  private stopExpecting(lane: Lane, vehicleGone: boolean): void {
    this.expecting.delete(lane.id);
    // The vehicle left the arming loop before anyone decided: the review is moot.
    if (vehicleGone && lane.reviewId !== null)
      this.resolveReview(lane.reviewId, 'deny', 'system:vehicle-left');
    if (vehicleGone) lane.resetVehicle();
  }

  private signs(): void {
    for (const lane of this.lanes.values())
      if (lane.config.direction === 'entry' && lane.config.fullSign)
        this.output({ type: 'sign.full', laneId: lane.id, on: this.full });
  }

  private onGate(lane: Lane, e: GateEmitted): void {
    switch (e.type) {
      case 'barrier.raise':
      case 'barrier.lower':
        this.output(e);
        return;
      case 'light.flash':
      case 'light.off':
        if (lane.config.warningLight) this.output(e);
        return;
      case 'camera.trigger':
        lane.resetVehicle();
        this.expecting.add(lane.id);
        this.output(e);
        return;
      case 'identify.timeout': {
        const best = lane.best();
        const reason =
          best === null ? 'camera-timeout' : best.plate === null ? 'unreadable' : 'low-confidence';
        lane.decision = {
          verdict: 'review',
          reason: best === null ? 'unreadable' : 'low-confidence',
          plate: best?.plate ?? null,
          category: null,
          alarm: false,
        };
        this.openReview(lane, reason, best);
        if (reviewFallback(lane.config) !== 'wait') this.expecting.delete(lane.id);
        return;
      }
      case 'vehicle.passed':
        this.crossed(lane, e.authorised);
        return;
      case 'alarm.tailgate':
        this.alarm({ code: 'tailgate', laneId: lane.id });
        return;
      case 'gate.fault':
        this.alarm({ code: 'gate-fault', laneId: lane.id, detail: e.reason });
        return;
      case 'gate.power':
        if (!e.on) this.alarm({ code: 'power-loss', laneId: lane.id });
        return;
      case 'operator.refused':
        this.refusedDuringCommand = true;
        this.event({
          type: 'operator.refused',
          laneId: lane.id,
          command: e.command,
          reason: e.reason,
          at: this.now(),
        });
        return;
    }
  }

  /** A vehicle crossed the lane's safety input: log it and move the count. */
  private crossed(lane: Lane, authorised: boolean): void {
    const d = authorised ? lane.decision : null;
    const best = authorised ? lane.best() : null;
    const flags = authorised ? (d?.verdict === 'review' ? ['review'] : []) : ['tailgate'];
    const input = {
      laneId: lane.id,
      at: this.now(),
      plate: d?.plate ?? null,
      decision: authorised ? (d?.reason ?? 'operator') : 'tailgate',
      confidence: best?.confidence ?? null,
      frameRef: best?.frameRef ?? null,
    };
    if (authorised) {
      lane.decision = null;
      lane.frames = [];
      // A review under fallback `open` stays pending: the operator still identifies the car.
      lane.reviewId = null;
    }
    if (lane.config.direction === 'entry') {
      this.event({ type: 'entry', record: this.log.entry(input, flags) });
      this.occupancy.gatePassed(1);
    } else {
      this.event({ type: 'exit', record: this.log.exit(input, flags) });
      this.occupancy.gatePassed(-1);
    }
    this.countsChanged();
  }
}
