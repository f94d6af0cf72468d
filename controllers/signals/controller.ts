/**
 * One intersection's controller: wires the pure sequencer machine to detector inputs, EV priority,
 * the independent conflict monitor, detector diagnostics, the hi-res log and per-cycle measures.
 * No I/O and no wall clock: everything is timed by the injected clock.
 */
import { type Actor, createActor, SimulatedClock } from 'xstate';
import { validateTimingPlan } from './apply-timing.ts';
import { CatchUpClock } from './clock.ts';
import type { IntersectionConfig, LeftTurnMode } from './config.ts';
import { chooseLeftModes } from './timing/left-mode.ts';
import { fail, ok, type Result, type SignalErrorCode } from './errors.ts';
import { DetectorInputs } from './inputs.ts';
import { FlashParam, HiRes, diffFrames, toDecisecond } from './outputs/hires.ts';
import { type Frame, frameOf, headsOf, type SequencerSnapshot, sameFrame } from './outputs/intervals.ts';
import { CycleMeter } from './outputs/measures.ts';
import { spatOf } from './outputs/spat.ts';
import { PriorityManager } from './priority/manager.ts';
import { initialMonitor, type MonitorState, monitorRules, observeHeads } from './safety/monitor.ts';
import { createSequencerMachine, type SequencerMachine } from './sequencer/machine.ts';
import type {
  CountEvent,
  CycleMeasures,
  HeadState,
  HiResEvent,
  IntersectionController,
  OperatorCommand,
  SafetyAlarm,
  TimingPlan,
} from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

/** A resting controller still reports measures: close a "cycle" after this long without a boundary. */
export const IDLE_CYCLE_MS = 120_000;
const HOUSEKEEPING_MS = 1000;

export interface ControllerOptions {
  /** XState clock with `now()`; the microsimulator passes a SimulatedClock, the edge a real clock. */
  clock?: Clock;
  /** Swap the sequencer (tests inject faults with `.provide()`). */
  machine?: SequencerMachine;
  /** Conflict-monitor timing tolerance, ms (MMU tolerance; 0 = exact). */
  monitorToleranceMs?: number;
  /** Left-turn mode per cycle for protected-permissive lefts (default `chooseLeftModes`). */
  leftTurnPolicy?: (m: CycleMeasures) => Record<number, LeftTurnMode>;
}

type Listener<T> = (x: T) => void;

export function createIntersectionController(
  config: IntersectionConfig,
  opts: ControllerOptions = {},
): IntersectionController {
  return new Controller(config, opts);
}

class Controller implements IntersectionController {
  private readonly clock: CatchUpClock;
  private readonly actor: Actor<SequencerMachine>;
  private readonly rules: ReturnType<typeof monitorRules>;
  private monitor: MonitorState = initialMonitor();
  private frame: Frame = { mode: 'startup', flashing: true, phases: {}, peds: {} };
  private readonly since = new Map<number, number>();
  private prevCalls: number[] = [];
  /** When each standing call was registered (ms): the max-wait watch. */
  private readonly callSince = new Map<number, number>();
  private starved: number[] = [];
  private callRefs: unknown[] = [];
  private readonly listeners = {
    event: new Set<Listener<HiResEvent>>(),
    cycle: new Set<Listener<CycleMeasures>>(),
    alarm: new Set<Listener<SafetyAlarm>>(),
    count: new Set<Listener<CountEvent>>(),
  };
  private readonly errors: Record<string, number> = {};
  private readonly maxWaitMs: Map<number, number>;
  private readonly priority: PriorityManager;
  private readonly inputs: DetectorInputs;
  private readonly meter: CycleMeter;
  private pendingTiming: Record<number, number> | null = null;
  private activeMax: Record<number, number>;
  private lastBarrier = -1;
  private cycleStartMs: number;
  private tick: unknown = null;
  private running = false;
  private dwelling = false;
  private exiting = false;
  private dwellNumber = 0;

  constructor(
    readonly config: IntersectionConfig,
    private readonly opts: ControllerOptions,
  ) {
    this.clock = new CatchUpClock(opts.clock ?? new SimulatedClock());
    const machine = opts.machine ?? createSequencerMachine(config);
    this.actor = createActor(machine, { clock: this.clock });
    this.rules = monitorRules(config);
    this.maxWaitMs = new Map(config.phases.filter((p) => p.timed).map((p) => [p.id, p.maxWaitMs]));
    this.activeMax = Object.fromEntries(config.phases.map((p) => [p.id, p.maxGreenMs]));
    this.cycleStartMs = this.clock.now();
    this.meter = new CycleMeter(config, (p) => this.activeMax[p] ?? 0, this.cycleStartMs);
    this.priority = new PriorityManager(config, {
      clock: this.clock,
      greenNow: () => this.actor.getSnapshot().context.green,
      activate: (preempt) => this.actor.send({ type: 'preempt.activate', preempt }),
      clear: (vehicleId) => this.actor.send({ type: 'preempt.clear', vehicleId }),
      log: (kind, n) =>
        this.log(
          kind === 'callOn'
            ? HiRes.PREEMPT_CALL_ON
            : kind === 'entry'
              ? HiRes.PREEMPT_ENTRY_STARTED
              : HiRes.PREEMPT_CALL_OFF,
          n,
        ),
      served: (vehicleId, ms) => this.meter.preemption(vehicleId, ms),
      maxPresence: (vehicleId) =>
        this.alarm({
          // NTCIP 1202: an input held past maximum presence is a failed input (reported as stuck on).
          kind: 'detectorStuckOn',
          atMs: this.clock.now(),
          detectorId: `preempt:${vehicleId}`,
          message: `preempt for ${vehicleId} exceeded its maximum presence (NTCIP 1202)`,
          latched: false,
        }),
    });
    this.inputs = new DetectorInputs(config, this.clock, {
      send: (e) => this.actor.send(e),
      log: (code, param) => this.log(code, param),
      alarm: (a) => this.alarm(a),
      count: (c) => {
        for (const l of this.listeners.count) l(c);
      },
      checkOut: (id) => this.priority.checkOutDetector(id),
    });
    this.actor.subscribe((s) => this.onSnapshot(s));
  }

  start(): void {
    this.clock.sync();
    if (this.running) return;
    this.running = true;
    this.actor.start();
    this.log(HiRes.FLASH_STATUS_CHANGE, FlashParam.STARTUP);
    this.schedule();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.tick !== null) this.clock.clearTimeout(this.tick);
    this.priority.stop();
    this.actor.stop();
  }

  detector(id: string, on: boolean): Result {
    this.clock.sync();
    return this.count(this.inputs.input(id, on));
  }

  requestPriority(req: Parameters<IntersectionController['requestPriority']>[0]): Result {
    this.clock.sync();
    const r = this.priority.request(req);
    return this.count(r.ok ? ok(undefined) : r);
  }

  cancelPriority(vehicleId: string): Result {
    this.clock.sync();
    return this.count(this.priority.finish(vehicleId));
  }

  checkOut(vehicleId: string): Result {
    this.clock.sync();
    return this.count(this.priority.finish(vehicleId));
  }

  command(cmd: OperatorCommand): Result {
    this.clock.sync();
    switch (cmd.type) {
      case 'flash':
        this.actor.send({ type: 'operator.flash' });
        return ok(undefined);
      case 'resetFlash':
        return this.resetFlash();
      case 'hold': {
        const p = this.config.phases.find((q) => q.id === cmd.phase && q.timed);
        if (!p) return this.count(fail('COMMAND_INVALID', `hold: phase ${cmd.phase} is not a timed phase`));
        this.actor.send({ type: 'operator.hold', phase: cmd.phase });
        return ok(undefined);
      }
      case 'release':
        this.actor.send({ type: 'operator.release' });
        return ok(undefined);
      default:
        return this.count(fail('COMMAND_INVALID', `unknown command ${JSON.stringify(cmd)}`));
    }
  }

  /** The monitor latch clears only here, on an explicit operator reset. */
  private resetFlash(): Result {
    if (this.monitor.latched) {
      this.monitor = initialMonitor();
      this.actor.send({ type: 'fault.reset' });
    } else this.actor.send({ type: 'operator.resetFlash' });
    return ok(undefined);
  }

  applyTiming(plan: TimingPlan): Result {
    const r = validateTimingPlan(this.config, plan);
    if (!r.ok) return this.count(r);
    this.pendingTiming = { ...(this.pendingTiming ?? {}), ...r.value };
    return ok(undefined);
  }

  heads(): Record<string, HeadState> {
    this.clock.sync();
    if (!this.running) return headsOf(this.config, this.frame, true);
    if (this.monitor.latched) return headsOf(this.config, { ...this.frame, flashing: true });
    return headsOf(this.config, this.frame);
  }

  spat() {
    this.clock.sync();
    return spatOf(
      this.config,
      this.actor.getSnapshot(),
      this.frame,
      this.since,
      this.clock.now(),
      this.monitor.latched,
    );
  }

  mode() {
    this.clock.sync();
    return this.monitor.latched ? 'flash' : this.frame.mode;
  }

  errorCounts(): Record<string, number> {
    return { ...this.errors };
  }

  onEvent(l: Listener<HiResEvent>) {
    return this.on(this.listeners.event, l);
  }
  onCycle(l: Listener<CycleMeasures>) {
    return this.on(this.listeners.cycle, l);
  }
  onAlarm(l: Listener<SafetyAlarm>) {
    return this.on(this.listeners.alarm, l);
  }
  onCount(l: Listener<CountEvent>) {
    return this.on(this.listeners.count, l);
  }

  private on<T>(set: Set<Listener<T>>, l: Listener<T>): () => void {
    set.add(l);
    return () => set.delete(l);
  }

  private count(r: Result): Result {
    if (!r.ok) this.errors[r.error.code as SignalErrorCode] = (this.errors[r.error.code] ?? 0) + 1;
    return r;
  }

  private log(code: number, param: number): void {
    const e: HiResEvent = {
      signalId: this.config.signalId,
      timestampMs: toDecisecond(this.clock.now()),
      code,
      param,
    };
    this.meter.event(e);
    for (const l of this.listeners.event) l(e);
  }

  private alarm(a: SafetyAlarm): void {
    for (const l of this.listeners.alarm) l(a);
  }

  private onSnapshot(s: SequencerSnapshot): void {
    const now = this.clock.now();
    const next = frameOf(this.config, s);
    const prev = this.frame;
    this.logCalls(s);
    if (sameFrame(prev, next)) {
      this.logPreempt(s);
      return; // context-only change (a detector call, a queued EV): nothing displayed changed
    }
    // Before any listener runs: an edge driving relays from heads() inside onEvent must see this frame.
    this.frame = next;
    const term = s.context.termination;
    const code = (p: number) =>
      term?.phases.includes(p)
        ? term.reason === 'gapOut'
          ? HiRes.GAP_OUT
          : term.reason === 'maxOut'
            ? HiRes.MAX_OUT
            : HiRes.FORCE_OFF
        : HiRes.FORCE_OFF;
    this.logFlash(prev, next, s);
    diffFrames(prev, next, code, (c, p) => {
      this.log(c, p);
      if (c === HiRes.BEGIN_GREEN) this.onBeginGreen(p, now);
    });
    for (const [id, iv] of Object.entries(next.phases))
      if (prev.phases[Number(id)] !== iv) this.since.set(Number(id), now);
    this.logPreempt(s);
    this.check(now);
  }

  private logFlash(prev: Frame, next: Frame, s: SequencerSnapshot): void {
    if (prev.flashing === next.flashing) return;
    const param = !next.flashing
      ? FlashParam.NOT_FLASH
      : s.matches({ flash: 'fault' })
        ? FlashParam.MMU
        : s.matches('startup')
          ? FlashParam.STARTUP
          : FlashParam.LOCAL_MANUAL;
    this.log(HiRes.FLASH_STATUS_CHANGE, param);
  }

  private logPreempt(s: SequencerSnapshot): void {
    const dwelling = s.matches({ preemption: 'dwell' });
    const exiting = s.matches({ preemption: 'exitYellow' });
    const head = s.context.preempts[0];
    if (dwelling && head)
      this.dwellNumber = this.config.preemption.findIndex((p) => p.id === head.preemptId) + 1;
    if (dwelling && !this.dwelling) this.log(HiRes.PREEMPT_BEGIN_DWELL, this.dwellNumber);
    // The served preempt has left the queue by the exit interval: report the one that dwelt.
    if (exiting && !this.exiting) this.log(HiRes.PREEMPT_BEGIN_EXIT, this.dwellNumber);
    this.dwelling = dwelling;
    this.exiting = exiting;
  }

  private logCalls(s: SequencerSnapshot): void {
    const c = s.context;
    const refs = [c.calls, c.pedCalls, c.occupied, c.faultRecall, c.green];
    if (refs.every((r, i) => r === this.callRefs[i])) return;
    this.callRefs = refs;
    // Calls from inputs only (detectors, ped buttons, failed-detector recall), not configured recalls.
    const wanted = [
      ...c.calls,
      ...c.pedCalls,
      ...c.faultRecall,
      ...Object.values(c.occupied).flatMap((o) => o.calls),
    ];
    const calls = [...new Set(wanted)].filter((p) => !c.green.includes(p)).sort((a, b) => a - b);
    const now = this.clock.now();
    for (const p of calls)
      if (!this.prevCalls.includes(p)) {
        this.log(HiRes.PHASE_CALL_REGISTERED, p);
        this.callSince.set(p, now);
      }
    for (const p of this.prevCalls)
      if (!calls.includes(p)) {
        this.log(HiRes.PHASE_CALL_DROPPED, p);
        this.callSince.delete(p);
      }
    this.prevCalls = calls;
  }

  /** Phases whose call has stood at least their max wait go to the sequencer (only on a change). */
  private watchWaits(now: number): void {
    // A left running permissive is served by its FYA, not by its (skipped) arrow phase: its wait
    // starts over when it needs the arrow again (an old start would force everything off at once).
    const modes = this.actor.getSnapshot().context.leftModes;
    for (const p of this.callSince.keys()) if (modes[p] === 'permissive') this.callSince.set(p, now);
    const starved = [...this.callSince]
      .filter(([p, since]) => now - since >= (this.maxWaitMs.get(p) ?? Number.POSITIVE_INFINITY))
      .map(([p]) => p)
      .sort((a, b) => a - b);
    if (starved.length === this.starved.length && starved.every((p, i) => p === this.starved[i])) return;
    this.starved = starved;
    this.actor.send({ type: 'call.starved', phases: starved });
  }

  /** Feed the independent monitor exactly what the heads show. */
  private check(now: number): void {
    if (!this.running || this.monitor.latched) return;
    const r = observeHeads(
      this.rules,
      this.monitor,
      now,
      headsOf(this.config, this.frame),
      this.opts.monitorToleranceMs,
    );
    this.monitor = r.state;
    if (r.alarms.length === 0) return;
    for (const a of r.alarms) this.alarm(a);
    this.log(HiRes.FLASH_STATUS_CHANGE, FlashParam.MMU);
    this.actor.send({ type: 'fault', reason: r.alarms[0]?.message ?? 'monitor' });
  }

  /** Cycle boundary: the sequence re-enters the first barrier. Timing plans apply here. */
  private onBeginGreen(phase: number, now: number): void {
    const b = this.config.phases.find((p) => p.id === phase)?.barrier ?? -1;
    if (b === 0 && this.lastBarrier > 0) this.closeCycle(now);
    this.lastBarrier = b;
  }

  private closeCycle(now: number): void {
    if (this.pendingTiming) {
      this.activeMax = { ...this.activeMax, ...this.pendingTiming };
      this.actor.send({ type: 'timing.apply', maxGreenMs: this.pendingTiming });
      this.pendingTiming = null;
    }
    this.cycleStartMs = now;
    const m = this.meter.close(now);
    const policy = this.opts.leftTurnPolicy ?? ((x: CycleMeasures) => chooseLeftModes(this.config, x));
    const modes = policy(m);
    if (Object.keys(modes).length) this.actor.send({ type: 'left.modes', modes });
    for (const l of this.listeners.cycle) l(m);
  }

  private schedule(): void {
    this.tick = this.clock.setTimeout(() => {
      if (!this.running) return;
      const now = this.clock.now();
      this.inputs.housekeeping(now);
      this.watchWaits(now);
      if (now - this.cycleStartMs >= IDLE_CYCLE_MS) this.closeCycle(now);
      this.schedule();
    }, HOUSEKEEPING_MS);
  }
}
