/**
 * Property-based safety and liveness tests (fast-check) on the three example layouts. The checker is
 * independent of the code under test: it only samples heads() every 100 ms (every configured interval
 * is a multiple of 100 ms, so no change is missed) and judges them against the configuration numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { type IntersectionConfig, type LeftTurnMode, parseIntersectionConfig } from './config.ts';
import { createIntersectionController } from './controller.ts';
import { EXAMPLES, type Example, exampleObject } from './test-helpers.ts';
import type { HeadState, IntersectionController, SafetyAlarm } from './types.ts';

const MAX_WAIT_S = 20;

/**
 * Fault thresholds shortened so stuck/silent/chatter faults happen inside short sequences, and a
 * 20 s maximum wait so max-wait force-offs happen in them too (every layout's max greens are longer).
 */
function layout(name: Example): IntersectionConfig {
  const o = exampleObject(name);
  o.detectorFaults = { stuckOnS: 20, silentS: 90, chatterPerMinute: 30 };
  o.maxWaitS = MAX_WAIT_S;
  const r = parseIntersectionConfig(o);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
/** The four-leg layout with every left protected-permissive (FYA against its opposing through). */
function fyaLayout(): IntersectionConfig {
  const o = exampleObject('four-leg-protected');
  o.detectorFaults = { stuckOnS: 20, silentS: 90, chatterPerMinute: 30 };
  o.maxWaitS = MAX_WAIT_S;
  const opposing: Record<number, number> = { 1: 2, 5: 6, 3: 4, 7: 8 };
  for (const p of o.phases as Record<string, unknown>[])
    if (p.movement === 'left')
      Object.assign(p, {
        leftTurnMode: 'protected-permissive',
        opposingThroughPhase: opposing[p.id as number],
      });
  const r = parseIntersectionConfig(o);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
type Layout = Example | 'four-leg-fya';
const LAYOUT_NAMES: readonly Layout[] = [...EXAMPLES, 'four-leg-fya'];
const LAYOUTS = Object.fromEntries([
  ...EXAMPLES.map((n) => [n, layout(n)]),
  ['four-leg-fya', fyaLayout()],
]) as Record<Layout, IntersectionConfig>;
const MODES: readonly LeftTurnMode[] = ['protected', 'permissive', 'protected-permissive'];
/** Left-turn modes the controller is told to run, one draw per cycle (cycled through). */
const modeDraws = fc.array(fc.nat(MODES.length - 1), { minLength: 1, maxLength: 12 });
const STEP = 100;
const STARTUP_MS = 9000;

type Cmd =
  | { k: 'wait'; ms: number }
  | { k: 'det'; i: number; on: boolean }
  | { k: 'chatter'; i: number }
  | { k: 'ev'; v: number; a: number; etaMs: number }
  | { k: 'cancel'; v: number }
  | { k: 'checkout'; v: number }
  | { k: 'op'; op: 'flash' | 'resetFlash' | 'hold' | 'release'; phase: number };

const wait = fc.integer({ min: 1, max: 60 }).map((n): Cmd => ({ k: 'wait', ms: n * STEP }));
const det = fc.record({ i: fc.nat(31), on: fc.boolean() }).map((d): Cmd => ({ k: 'det', ...d }));
const chatter = fc.nat(31).map((i): Cmd => ({ k: 'chatter', i }));
const ev = fc
  .record({ v: fc.nat(2), a: fc.nat(3), etaMs: fc.integer({ min: 0, max: 400 }).map((n) => n * STEP) })
  .map((e): Cmd => ({ k: 'ev', ...e }));
const cancel = fc.nat(2).map((v): Cmd => ({ k: 'cancel', v }));
const checkout = fc.nat(2).map((v): Cmd => ({ k: 'checkout', v }));
const op = fc
  .record({ op: fc.constantFrom('flash', 'resetFlash', 'hold', 'release' as const), phase: fc.nat(7) })
  .map((o): Cmd => ({ k: 'op', ...o }));

const anything = fc.array(
  fc.oneof({ arbitrary: wait, weight: 5 }, det, det, chatter, ev, cancel, checkout, op),
  {
    maxLength: 14,
  },
);
const trafficOnly = fc.array(fc.oneof({ arbitrary: wait, weight: 4 }, det, det, chatter), { maxLength: 16 });

type Cls = 'G' | 'Y' | 'R';

/** Independent judge of what the heads show over time. */
class Checker {
  readonly violations: string[] = [];
  private readonly cls = new Map<number, Cls>();
  private readonly since = new Map<number, number>();
  private readonly yellowEnd = new Map<number, number>();
  private readonly lastHead = new Map<string, HeadState>();
  /** Last time each phase was seen green, for liveness. */
  readonly lastGreen = new Map<number, number>();
  private readonly groups: { name: string; phase: number; fya: boolean }[];
  private readonly plans: Map<number, IntersectionConfig['phases'][number]>;
  private readonly preemptMin: number;
  evActiveDuringGreen = new Set<number>();
  evOutstanding = 0;

  constructor(private readonly c: IntersectionConfig) {
    this.plans = new Map(c.phases.map((p) => [p.id, p]));
    this.groups = c.signalGroups
      .filter((g) => g.kind === 'vehicle' && this.plans.get(g.phase)?.timed)
      .map((g) => ({ name: g.name, phase: g.phase, fya: g.display === 'fya' }));
    this.preemptMin = Math.max(...c.preemption.map((x) => x.preemptMinGreenMs));
  }

  /** An EV request may cut the greens running now down to the preempt minimum. */
  evRequested(): void {
    this.evOutstanding++;
    for (const [p, c] of this.cls) if (c === 'G') this.evActiveDuringGreen.add(p);
  }

  private conflicts(a: number, b: number) {
    return a !== b && !(this.c.compatibility[a] ?? []).includes(b);
  }

  private classify(h: Record<string, HeadState>): Map<number, Cls> {
    const out = new Map<number, Cls>();
    for (const g of this.groups) {
      const s = h[g.name];
      const prev = this.cls.get(g.phase) ?? 'R';
      // An FYA head's steady yellow after the flashing arrow belongs to the opposing through.
      const own: Cls =
        s === 'green' || s === 'greenArrow' ? 'G' : s === 'yellow' && (!g.fya || prev !== 'R') ? 'Y' : 'R';
      out.set(
        g.phase,
        own === 'Y' && g.fya && this.lastHead.get(g.name) === 'flashingYellowArrow' ? 'R' : own,
      );
    }
    return out;
  }

  observe(t: number, h: Record<string, HeadState>): void {
    const now = this.classify(h);
    for (const [p, c] of now) {
      const plan = this.plans.get(p)!;
      const before = this.cls.get(p) ?? 'R';
      if (c === 'G' && this.evOutstanding > 0) this.evActiveDuringGreen.add(p);
      if (c === 'G') this.lastGreen.set(p, t);
      if (c === before) continue;
      const dur = t - (this.since.get(p) ?? t);
      const floor = this.evActiveDuringGreen.has(p)
        ? Math.min(plan.minGreenMs, this.preemptMin)
        : plan.minGreenMs;
      if (before === 'G' && dur < floor) this.violations.push(`t=${t} phase ${p} green ${dur} < ${floor}`);
      if (before === 'G' && c === 'R') this.violations.push(`t=${t} phase ${p} green → red without yellow`);
      if (before === 'Y' && dur < plan.yellowMs)
        this.violations.push(`t=${t} phase ${p} yellow ${dur} < ${plan.yellowMs}`);
      if (before === 'Y') this.yellowEnd.set(p, t);
      if (before === 'G') this.evActiveDuringGreen.delete(p);
      if (c === 'G')
        for (const [q, end] of this.yellowEnd) {
          const rc = this.plans.get(q)!.redClearanceMs;
          if (this.conflicts(p, q) && t - end < rc)
            this.violations.push(`t=${t} phase ${p} green ${t - end} ms after ${q}`);
        }
      this.since.set(p, t);
      this.cls.set(p, c);
    }
    const active = [...now].filter(([, c]) => c !== 'R').map(([p]) => p);
    for (const a of active)
      for (const b of active)
        if (a < b && this.conflicts(a, b)) this.violations.push(`t=${t} ${a} and ${b} not red together`);
    // Yellow trap: a permissive left's steady yellow tells turners opposing traffic is stopping; it
    // must never show while the opposing through is still green (timed or permissive-only heads).
    for (const g of this.c.signalGroups) {
      const opp = this.plans.get(g.phase)?.opposingThroughPhase;
      if (g.display === 'fya' && opp !== undefined && h[g.name] === 'yellow' && now.get(opp) === 'G')
        this.violations.push(`t=${t} yellow trap: ${g.name} steady yellow while phase ${opp} is green`);
      // A flashing yellow arrow ends in steady yellow (or its own green arrow), never straight in red.
      if (g.display === 'fya' && this.lastHead.get(g.name) === 'flashingYellowArrow' && h[g.name] === 'red')
        this.violations.push(`t=${t} ${g.name} flashing yellow arrow → red without steady yellow`);
    }
    for (const g of this.groups) if (g.fya) this.lastHead.set(g.name, h[g.name] ?? 'dark');
  }
}

interface Run {
  clock: SimulatedClock;
  ctl: IntersectionController;
  checker: Checker;
  latched: SafetyAlarm[];
  step(ms: number): void;
  /** Give an input, then look at the heads at that same instant (a change may be immediate). */
  act(f: () => unknown): void;
}

/** A policy that hands every protected-permissive left the next drawn mode at each cycle end. */
function drawnPolicy(config: IntersectionConfig, draws: readonly number[]) {
  const lefts = config.phases.filter((p) => p.leftTurnMode === 'protected-permissive').map((p) => p.id);
  let k = 0;
  return () => Object.fromEntries(lefts.map((id) => [id, MODES[draws[k++ % draws.length] ?? 2]!]));
}

function startRun(config: IntersectionConfig, draws?: readonly number[]): Run {
  const clock = new SimulatedClock();
  const ctl = createIntersectionController(config, {
    clock,
    ...(draws ? { leftTurnPolicy: drawnPolicy(config, draws) } : {}),
  });
  const checker = new Checker(config);
  const latched: SafetyAlarm[] = [];
  ctl.onAlarm((a) => a.latched && latched.push(a));
  ctl.start();
  clock.increment(STARTUP_MS);
  checker.observe(clock.now(), ctl.heads());
  return {
    clock,
    ctl,
    checker,
    latched,
    step(ms) {
      for (let t = 0; t < ms; t += STEP) {
        clock.increment(STEP);
        checker.observe(clock.now(), ctl.heads());
      }
    },
    act(f) {
      f();
      checker.observe(clock.now(), ctl.heads());
    },
  };
}

function apply(run: Run, config: IntersectionConfig, cmd: Cmd): void {
  const dets = config.detectors;
  const vehicle = (v: number) => `ev-${v}`;
  switch (cmd.k) {
    case 'wait':
      run.step(cmd.ms);
      return;
    case 'det':
      run.act(() => run.ctl.detector(dets[cmd.i % dets.length]!.id, cmd.on));
      run.step(STEP);
      return;
    case 'chatter':
      for (let n = 0; n < 40; n++) {
        run.act(() => run.ctl.detector(dets[cmd.i % dets.length]!.id, n % 2 === 0));
        run.step(STEP);
      }
      return;
    case 'ev': {
      const pre = config.preemption[cmd.a % config.preemption.length]!;
      run.checker.evRequested();
      run.act(() =>
        run.ctl.requestPriority({
          vehicleId: vehicle(cmd.v),
          approach: pre.approach,
          etaMs: run.clock.now() + cmd.etaMs,
        }),
      );
      run.step(STEP);
      return;
    }
    case 'cancel':
    case 'checkout':
      run.act(() => {
        if (run.ctl[cmd.k === 'cancel' ? 'cancelPriority' : 'checkOut'](vehicle(cmd.v)).ok)
          run.checker.evOutstanding--;
      });
      run.step(STEP);
      return;
    case 'op': {
      const timed = config.phases.filter((p) => p.timed);
      const phase = timed[cmd.phase % timed.length]!.id;
      run.act(() => run.ctl.command(cmd.op === 'hold' ? { type: 'hold', phase } : { type: cmd.op }));
      run.step(STEP);
      return;
    }
  }
}

/** Test-side worst case from EV activation to dwell green (cf. the controller's own, computed apart). */
function evBoundMs(c: IntersectionConfig): number {
  const t = c.phases.filter((p) => p.timed);
  const y = Math.max(...t.map((p) => p.yellowMs));
  const r = Math.max(...t.map((p) => p.redClearanceMs));
  const ped = Math.max(0, ...t.map((p) => p.pedClearanceMs ?? 0));
  const pmin = Math.max(...c.preemption.map((p) => p.preemptMinGreenMs));
  return 2 * (y + r) + Math.max(pmin, ped);
}

/** Longest a called phase can wait: every phase at its longest service, once. */
function serviceBoundMs(c: IntersectionConfig): number {
  return c.phases
    .filter((p) => p.timed)
    .reduce(
      (s, p) =>
        s +
        Math.max(p.maxGreenMs, p.minGreenMs, (p.pedWalkMs ?? 0) + (p.pedClearanceMs ?? 0)) +
        p.yellowMs +
        p.redClearanceMs,
      0,
    );
}

/**
 * Longest a standing call can wait with a max wait: the max wait (seen on the 1 s housekeeping tick),
 * then at worst every phase in turn forced off at its own min (or walk + ped clearance) and cleared.
 */
function maxWaitBoundMs(c: IntersectionConfig): number {
  const chain = c.phases
    .filter((p) => p.timed)
    .reduce(
      (s, p) =>
        s +
        Math.max(p.minGreenMs, (p.pedWalkMs ?? 0) + (p.pedClearanceMs ?? 0)) +
        p.yellowMs +
        p.redClearanceMs,
      0,
    );
  return MAX_WAIT_S * 1000 + 1000 + chain;
}

const RUNS = { safety: 1400, liveness: 1000, ev: 1000, maxWait: 400 }; // per layout: 3 × 3400 = 10,200 sequences

describe.each(LAYOUT_NAMES)('%s', (name) => {
  const config = LAYOUTS[name];

  it('never shows conflicting movements, never shortens green/yellow/red clearance, never trips the monitor', () => {
    fc.assert(
      fc.property(anything, modeDraws, (cmds, draws) => {
        // Left-turn modes drawn per cycle: every mode sequence must be as safe (no yellow trap).
        const run = startRun(config, draws);
        for (const c of cmds) apply(run, config, c);
        run.step(2000);
        expect(run.checker.violations).toEqual([]);
        expect(run.latched).toEqual([]);
      }),
      { numRuns: RUNS.safety },
    );
  });

  it('serves every registered call within one worst-case cycle', () => {
    const bound = serviceBoundMs(config);
    const callers = config.detectors.filter(
      (d) => d.kind !== 'pedButton' && d.kind !== 'stopBar' && d.calls.length > 0,
    );
    fc.assert(
      fc.property(trafficOnly, fc.nat(callers.length - 1), (cmds, which) => {
        const run = startRun(config);
        for (const c of cmds) apply(run, config, c);
        // A locking call (advance / count station) on a phase that is not green now.
        const d = callers[which]!;
        const phase = d.calls[0]!;
        run.act(() => run.ctl.detector(d.id, true));
        run.step(STEP);
        run.act(() => run.ctl.detector(d.id, false));
        const calledAt = run.clock.now();
        const green = () => (run.checker.lastGreen.get(phase) ?? -1) >= calledAt;
        for (let t = 0; t <= bound && !green(); t += 1000) {
          run.clock.increment(1000);
          run.checker.observe(run.clock.now(), run.ctl.heads());
        }
        expect(green()).toBe(true);
        expect(run.latched).toEqual([]);
      }),
      { numRuns: RUNS.liveness },
    );
  });

  it('serves a standing call within its max wait while every other detector holds its green', () => {
    const bound = maxWaitBoundMs(config);
    // The bound must be tighter than plain actuation's, or this would pass without a max wait.
    expect(bound).toBeLessThan(serviceBoundMs(config));
    const vehicle = config.detectors.filter((d) => d.kind !== 'pedButton' && d.calls.length > 0);
    fc.assert(
      fc.property(trafficOnly, fc.nat(vehicle.length - 1), (cmds, which) => {
        const run = startRun(config);
        for (const c of cmds) apply(run, config, c);
        const d = vehicle[which]!;
        const phase = d.calls[0]!;
        // Demand everywhere: every extending detector on, so greens would run to max without a max wait.
        for (const x of vehicle) if (x !== d) run.act(() => run.ctl.detector(x.id, true));
        run.step(STEP);
        if ((run.checker.lastGreen.get(phase) ?? -1) >= run.clock.now() - STEP) return; // green already
        run.act(() => run.ctl.detector(d.id, true)); // and held: a standing call
        const calledAt = run.clock.now();
        const green = () => (run.checker.lastGreen.get(phase) ?? -1) >= calledAt;
        for (let t = 0; t <= bound && !green(); t += STEP) run.step(STEP);
        expect(green()).toBe(true);
        expect(run.checker.violations).toEqual([]);
        expect(run.latched).toEqual([]);
      }),
      { numRuns: RUNS.maxWait },
    );
  });

  it('has the EV phase green at arrival whenever the ETA allows the transition', () => {
    const bound = evBoundMs(config);
    fc.assert(
      fc.property(trafficOnly, fc.nat(config.preemption.length - 1), fc.nat(300), (cmds, a, extra) => {
        const run = startRun(config);
        for (const c of cmds) apply(run, config, c);
        const pre = config.preemption[a]!;
        const eta = run.clock.now() + bound + extra * STEP;
        run.checker.evRequested();
        run.act(() =>
          expect(run.ctl.requestPriority({ vehicleId: 'ev', approach: pre.approach, etaMs: eta }).ok).toBe(
            true,
          ),
        );
        run.step(eta - run.clock.now());
        const heads = run.ctl.heads();
        const evGroups = config.signalGroups.filter(
          (g) => g.kind === 'vehicle' && pre.phases.includes(g.phase),
        );
        const shown = evGroups.map((g) => [
          g.name,
          heads[g.name] === 'green' || heads[g.name] === 'greenArrow',
        ]);
        expect(shown).toEqual(evGroups.map((g) => [g.name, true]));
        run.step(2000);
        expect(run.checker.violations).toEqual([]);
      }),
      { numRuns: RUNS.ev },
    );
  });
});
