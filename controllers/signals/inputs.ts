/**
 * Detector inputs: validate ids, log 81/82, emit count events, run diagnostics, and translate what is
 * healthy into sequencer events. A faulted detector is ignored and its phases go on recall.
 */
import type { DetectorPlan, IntersectionConfig } from './config.ts';
import { fail, ok, type Result } from './errors.ts';
import { HiRes } from './outputs/hires.ts';
import { type DetectorHealth, evaluate, initialHealth, recordTransition } from './safety/detectors.ts';
import type { SequencerEvent } from './sequencer/context.ts';
import type { CountEvent, SafetyAlarm } from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface InputPorts {
  send(e: SequencerEvent): void;
  log(code: number, param: number): void;
  alarm(a: SafetyAlarm): void;
  count(c: CountEvent): void;
  checkOut(detectorId: string): void;
}

const ALARM = { stuckOn: 'detectorStuckOn', chatter: 'detectorChatter', silent: 'detectorSilent' } as const;

export class DetectorInputs {
  private readonly byId: Map<string, DetectorPlan>;
  private readonly health = new Map<string, DetectorHealth>();
  /** Advance loops whose output is still held (extension running) → the timer that drops it. */
  private readonly extending = new Map<string, unknown>();

  constructor(
    private readonly config: IntersectionConfig,
    private readonly clock: Clock,
    private readonly ports: InputPorts,
  ) {
    this.byId = new Map(config.detectors.map((d) => [d.id, d]));
    const now = clock.now();
    for (const d of config.detectors) this.health.set(d.id, initialHealth(now));
  }

  input(id: string, on: boolean): Result {
    const d = this.byId.get(id);
    if (!d) return fail('DETECTOR_UNKNOWN', `detector ${id} is not configured`);
    const now = this.clock.now();
    const h = this.health.get(id) ?? initialHealth(now);
    if (h.on === on) return ok(undefined); // repeated level: not a transition
    this.health.set(id, recordTransition(h, on, now));
    this.ports.log(on ? HiRes.DETECTOR_ON : HiRes.DETECTOR_OFF, d.channel);
    if (on && d.kind === 'count') {
      this.ports.count({
        detectorId: id,
        timestampMs: now,
        ...(d.lane !== undefined ? { lane: d.lane } : {}),
        ...(d.direction !== undefined ? { direction: d.direction } : {}),
      });
    }
    if (on) this.ports.checkOut(id);
    this.reevaluate(d, now);
    if (this.health.get(id)?.fault) return ok(undefined);
    this.forward(d, on);
    return ok(undefined);
  }

  private forward(d: DetectorPlan, on: boolean): void {
    if (d.kind === 'pedButton') {
      if (on) for (const phase of d.calls) this.ports.send({ type: 'ped.call', phase });
      return;
    }
    if (d.calls.length === 0 && d.extends.length === 0) return;
    if (d.extendMs > 0 && !this.extend(d, on)) return;
    if (on)
      this.ports.send({
        type: 'detector.on',
        id: d.id,
        calls: d.calls,
        extends: d.extends,
        nonLocking: d.kind === 'stopBar',
      });
    else this.ports.send({ type: 'detector.off', id: d.id });
  }

  /**
   * Detector extension (NTCIP 1202 vehicleDetectorExtend): the output stays on `extendMs` after the
   * vehicle left, so a passage gap is measured at the advance loop. True when the edge goes through now.
   */
  private extend(d: DetectorPlan, on: boolean): boolean {
    const pending = this.extending.get(d.id);
    if (on) {
      if (pending === undefined) return true;
      this.clock.clearTimeout(pending);
      this.extending.delete(d.id);
      return false; // the output never dropped
    }
    if (pending !== undefined) return false;
    const timer = this.clock.setTimeout(() => {
      this.extending.delete(d.id);
      this.ports.send({ type: 'detector.off', id: d.id });
    }, d.extendMs);
    this.extending.set(d.id, timer);
    return false;
  }

  private dropExtension(id: string): void {
    const pending = this.extending.get(id);
    if (pending === undefined) return;
    this.clock.clearTimeout(pending);
    this.extending.delete(id);
  }

  /** Periodic diagnostics (silence and stuck-on need the passage of time, not an input). */
  housekeeping(now: number): void {
    for (const d of this.config.detectors) this.reevaluate(d, now);
  }

  private reevaluate(d: DetectorPlan, now: number): void {
    const h = this.health.get(d.id);
    if (!h) return;
    const fault = evaluate(d, h, now, this.config.chatterPerMinute);
    if (fault === h.fault) return;
    this.health.set(d.id, { ...h, fault });
    if (fault) {
      this.ports.log(HiRes.DETECTOR_FAULT_OTHER, d.channel);
      this.ports.alarm({
        kind: ALARM[fault],
        atMs: now,
        message: `detector ${d.id}: ${fault}`,
        detectorId: d.id,
        phases: d.calls,
        latched: false,
      });
      // Release whatever the faulty input held (a stuck-on loop must not extend green to max forever).
      this.dropExtension(d.id);
      if (d.kind !== 'pedButton') this.ports.send({ type: 'detector.off', id: d.id });
    } else {
      this.ports.log(HiRes.DETECTOR_RESTORED, d.channel);
      this.ports.alarm({
        kind: 'detectorRecovered',
        atMs: now,
        message: `detector ${d.id} recovered`,
        detectorId: d.id,
        latched: false,
      });
      if (h.on) this.forward(d, true);
    }
    this.updateRecalls(d);
  }

  private updateRecalls(changed: DetectorPlan): void {
    for (const phase of changed.calls) {
      const faulted = this.config.detectors.some(
        (d) => d.kind !== 'pedButton' && d.calls.includes(phase) && this.health.get(d.id)?.fault,
      );
      this.ports.send({ type: 'recall.fault', phase, on: faulted });
    }
  }

  faults(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, h] of this.health) if (h.fault) out[id] = h.fault;
    return out;
  }
}
