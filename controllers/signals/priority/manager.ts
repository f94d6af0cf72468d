/**
 * Keeps EV requests between arrival and clearance: schedules activation on the injected clock (so the
 * phase is green at the ETA), enforces NTCIP 1202 maximum presence, and turns check-out/cancel into
 * `preempt.clear`. The sequencer orders and queues what is activated.
 */
import type { IntersectionConfig, PreemptPlan } from '../config.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { ActivePreempt } from '../sequencer/context.ts';
import type { PriorityRequest } from '../types.ts';
import { planActivation, resolvePreempt } from './plan.ts';
import type { Clock } from '../../../core/ports/clock.ts';

interface Tracked {
  req: PriorityRequest;
  preempt: PreemptPlan;
  activateTimer: unknown;
  presenceTimer: unknown;
  activatedAtMs: number | null;
}

export interface PriorityPorts {
  clock: Clock;
  /** Phases green right now (to choose green extension). */
  greenNow(): number[];
  activate(p: ActivePreempt): void;
  clear(vehicleId: string): void;
  /** Hi-res hooks: preempt number is the 1-based index of the preemption input. */
  log(code: 'callOn' | 'entry' | 'callOff', preemptNumber: number): void;
  served(vehicleId: string, durationMs: number): void;
  maxPresence(vehicleId: string): void;
}

export class PriorityManager {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly config: IntersectionConfig,
    private readonly ports: PriorityPorts,
  ) {}

  request(req: PriorityRequest): Result<{ strategy: string; activateAtMs: number }> {
    const target = resolvePreempt(this.config, req);
    if (!target.ok) return target;
    const existing = this.tracked.get(req.vehicleId);
    if (existing?.activateTimer) this.ports.clock.clearTimeout(existing.activateTimer);
    const { clock } = this.ports;
    const now = clock.now();
    const green = this.ports.greenNow();
    const evGreen = green.length > 0 && green.every((id) => target.value.phases.includes(id));
    const plan = planActivation(this.config, now, req.etaMs, evGreen);
    const t: Tracked = {
      req,
      preempt: target.value,
      activateTimer: null,
      presenceTimer: existing?.presenceTimer ?? null,
      activatedAtMs: existing?.activatedAtMs ?? null,
    };
    this.tracked.set(req.vehicleId, t);
    if (!existing) this.ports.log('callOn', this.number(target.value));
    const fire = () => this.activate(t, plan.urgent);
    if (plan.activateAtMs <= now) fire();
    else t.activateTimer = clock.setTimeout(fire, plan.activateAtMs - now);
    return ok({ strategy: plan.strategy, activateAtMs: plan.activateAtMs });
  }

  private activate(t: Tracked, urgent: boolean): void {
    t.activateTimer = null;
    const { preempt, req } = t;
    if (t.activatedAtMs === null) {
      t.activatedAtMs = this.ports.clock.now();
      this.ports.log('entry', this.number(preempt));
      t.presenceTimer = this.ports.clock.setTimeout(() => {
        this.ports.maxPresence(req.vehicleId);
        this.finish(req.vehicleId);
      }, preempt.maxPresenceMs);
    }
    this.ports.activate({
      vehicleId: req.vehicleId,
      preemptId: preempt.id,
      phases: preempt.phases,
      exitPhases: preempt.exitPhases,
      // Dwell at least the preempt minimum too, so a cut-in green is never shorter than that floor.
      dwellMs: Math.max(preempt.dwellMs, preempt.preemptMinGreenMs),
      minDurationMs: preempt.minDurationMs,
      preemptMinGreenMs: preempt.preemptMinGreenMs,
      etaMs: req.etaMs,
      urgent,
      cleared: false,
    });
  }

  /** Cancel or check-out: the EV no longer needs the intersection. */
  finish(vehicleId: string): Result {
    const t = this.tracked.get(vehicleId);
    if (!t) return fail('PRIORITY_UNKNOWN_VEHICLE', `no priority request for vehicle ${vehicleId}`);
    this.cancelTimers(t);
    this.tracked.delete(vehicleId);
    if (t.activatedAtMs !== null) {
      this.ports.clear(vehicleId);
      this.ports.served(vehicleId, this.ports.clock.now() - t.activatedAtMs);
    }
    this.ports.log('callOff', this.number(t.preempt));
    return ok(undefined);
  }

  /** A check-out detector fired: clear every activated vehicle of that preemption input. */
  checkOutDetector(detectorId: string): void {
    for (const [vehicleId, t] of [...this.tracked]) {
      if (t.preempt.checkOutDetector === detectorId && t.activatedAtMs !== null) this.finish(vehicleId);
    }
  }

  vehicles(): string[] {
    return [...this.tracked.keys()];
  }

  stop(): void {
    for (const t of this.tracked.values()) this.cancelTimers(t);
  }

  private cancelTimers(t: Tracked): void {
    if (t.activateTimer !== null) this.ports.clock.clearTimeout(t.activateTimer);
    if (t.presenceTimer !== null) this.ports.clock.clearTimeout(t.presenceTimer);
    t.activateTimer = null;
    t.presenceTimer = null;
  }

  private number(p: PreemptPlan): number {
    return this.config.preemption.indexOf(p) + 1;
  }
}
