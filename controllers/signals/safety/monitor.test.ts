import { assign } from 'xstate';
import { describe, expect, it } from 'vitest';
import { parseIntersectionConfig } from '../config.ts';
import { createIntersectionController } from '../controller.ts';
import type { SequencerContext, SequencerEvent } from '../sequencer/context.ts';
import { createSequencerMachine } from '../sequencer/machine.ts';
import { example, exampleObject, rig } from '../test-helpers.ts';
import type { HeadState, SafetyAlarm } from '../types.ts';
import { initialMonitor, monitorRules, observeHeads } from './monitor.ts';
import { SimulatedClock } from 'xstate';

const cfg = example('four-leg-protected');
const rules = monitorRules(cfg);
const allRed = (): Record<string, HeadState> =>
  Object.fromEntries(cfg.signalGroups.map((g) => [g.name, g.kind === 'ped' ? 'dontWalk' : 'red']));
const withHeads = (h: Record<string, HeadState>) => ({ ...allRed(), ...h });

/** Replay (time, heads) frames through the pure monitor. */
function replay(frames: [number, Record<string, HeadState>][]) {
  let state = initialMonitor();
  const alarms: SafetyAlarm[] = [];
  for (const [t, h] of frames) {
    const r = observeHeads(rules, state, t, h);
    state = r.state;
    alarms.push(...r.alarms);
  }
  return { state, alarms };
}

describe('conflict monitor (pure, watches heads only)', () => {
  it('accepts a correct change: green ≥ min, full yellow, full red clearance', () => {
    const r = replay([
      [0, withHeads({ 'EB-through': 'green', 'WB-through': 'green' })],
      [10_000, withHeads({ 'EB-through': 'yellow', 'WB-through': 'yellow' })],
      [14_000, allRed()],
      [15_500, withHeads({ 'NB-through': 'green', 'SB-through': 'green' })],
    ]);
    expect(r.alarms).toEqual([]);
    expect(r.state.latched).toBe(false);
  });

  it('latches on conflicting greens', () => {
    const r = replay([[0, withHeads({ 'EB-through': 'green', 'NB-through': 'green' })]]);
    expect(r.alarms.map((a) => a.kind)).toEqual(['conflict']);
    expect(r.state.latched).toBe(true);
  });

  it('latches on a short yellow, a short red clearance and a short green', () => {
    const short = replay([
      [0, withHeads({ 'NB-through': 'green' })],
      [7000, withHeads({ 'NB-through': 'yellow' })],
      [9000, allRed()],
    ]);
    expect(short.alarms.map((a) => a.kind)).toEqual(['yellowShort']);
    const red = replay([
      [0, withHeads({ 'NB-through': 'green' })],
      [7000, withHeads({ 'NB-through': 'yellow' })],
      [10_500, allRed()],
      [11_000, withHeads({ 'EB-through': 'green' })],
    ]);
    expect(red.alarms.map((a) => a.kind)).toEqual(['redClearanceShort']);
    const green = replay([
      [0, withHeads({ 'NB-through': 'green' })],
      [1000, withHeads({ 'NB-through': 'yellow' })],
    ]);
    expect(green.alarms.map((a) => a.kind)).toEqual(['minGreen']);
  });

  it('ignores everything once latched (only a reset clears it)', () => {
    const r = replay([
      [0, withHeads({ 'EB-through': 'green', 'NB-through': 'green' })],
      [100, withHeads({ 'SB-through': 'green', 'WB-through': 'green' })],
    ]);
    expect(r.alarms).toHaveLength(1);
    expect(r.state.latched).toBe(true);
  });
});

type Ctx = SequencerContext;
const faulty = <T>(f: (c: Ctx) => Partial<Ctx>) =>
  assign<Ctx, SequencerEvent, undefined, SequencerEvent, never>(({ context }) => f(context)) as T;

describe('a faulty sequencer fed to the monitor latches flash', () => {
  it('a sequencer that shortens yellow is caught; only an operator reset clears the latch', () => {
    const config = example('four-leg-protected');
    const machine = createSequencerMachine(config).provide({ delays: { yellow: 1000 } });
    const clock = new SimulatedClock();
    const ctl = createIntersectionController(config, { clock, machine });
    const alarms: SafetyAlarm[] = [];
    ctl.onAlarm((a) => alarms.push(a));
    ctl.start();
    for (let t = 0; t < 20_000; t += 100) clock.increment(100);
    ctl.detector('nb-stop', true);
    for (let t = 0; t < 20_000; t += 100) clock.increment(100);
    const latched = alarms.filter((a) => a.latched);
    expect(latched.length).toBeGreaterThan(0);
    expect(new Set(latched.map((a) => a.kind))).toEqual(new Set(['yellowShort']));
    expect(ctl.mode()).toBe('flash');
    for (let t = 0; t < 600_000; t += 1000) clock.increment(1000);
    expect(
      Object.values(ctl.heads())
        .filter((h) => h !== 'dark')
        .every((h) => h === 'flashingRed'),
    ).toBe(true);
    expect(ctl.command({ type: 'release' }).ok).toBe(true); // not a reset: stays latched
    clock.increment(1000);
    expect(ctl.mode()).toBe('flash');
    ctl.command({ type: 'resetFlash' });
    clock.increment(100);
    expect(ctl.mode()).toBe('startup');
    expect(Object.values(ctl.heads()).every((h) => h === 'red' || h === 'dontWalk')).toBe(true);
  });

  it('a sequencer that drives conflicting greens is caught, even with a config asking to disable it', () => {
    const o = exampleObject('four-leg-protected');
    o.conflictMonitor = { enabled: false }; // unknown keys are ignored: the monitor has no off switch
    const parsed = parseIntersectionConfig(o);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const machine = createSequencerMachine(parsed.value).provide({
      actions: { beginNextStage: faulty(() => ({ green: [2, 4], started: [2, 4], clearing: [], next: [] })) },
    });
    const clock = new SimulatedClock();
    const ctl = createIntersectionController(parsed.value, { clock, machine });
    const alarms: SafetyAlarm[] = [];
    ctl.onAlarm((a) => alarms.push(a));
    ctl.start();
    for (let t = 0; t < 12_000; t += 100) clock.increment(100);
    expect(alarms.some((a) => a.kind === 'conflict' && a.latched)).toBe(true);
    expect(ctl.spat().monitorLatched).toBe(true);
    expect(Object.values(ctl.heads()).every((h) => h === 'flashingRed' || h === 'dark')).toBe(true);
  });

  it('the real sequencer never trips it in a busy 20 minutes', () => {
    const r = rig('four-leg-permissive-peds');
    const alarms: SafetyAlarm[] = [];
    r.ctl.onAlarm((a) => alarms.push(a));
    const dets = r.config.detectors.map((d) => d.id);
    for (let i = 0; i < 1200; i++) {
      const d = dets[(i * 7) % dets.length]!;
      r.ctl.detector(d, i % 3 !== 0);
      r.run(1000, 500);
    }
    expect(alarms.filter((a) => a.latched)).toEqual([]);
  });
});

describe('yellow trap (permissive left, FYA)', () => {
  const tee = example('t-junction');
  const teeRules = monitorRules(tee);
  const red = (): Record<string, HeadState> =>
    Object.fromEntries(tee.signalGroups.map((g) => [g.name, g.kind === 'ped' ? 'dontWalk' : 'red']));
  const run = (frames: [number, Record<string, HeadState>][]) => {
    let state = initialMonitor();
    const alarms: SafetyAlarm[] = [];
    for (const [t, h] of frames) {
      const r = observeHeads(teeRules, state, t, { ...red(), ...h });
      state = r.state;
      alarms.push(...r.alarms);
    }
    return alarms.map((a) => a.kind);
  };
  const mains = { 'EB-through': 'green', 'WB-through': 'green' } as const;

  it('accepts the FYA turning steady yellow together with the opposing through', () => {
    expect(
      run([
        [0, { ...mains, 'WB-left': 'flashingYellowArrow' }],
        [20_000, { 'EB-through': 'yellow', 'WB-through': 'yellow', 'WB-left': 'yellow' }],
      ]),
    ).toEqual([]);
  });

  it('latches when the left shows steady yellow while the opposing through stays green', () => {
    expect(
      run([
        [0, { ...mains, 'WB-left': 'flashingYellowArrow' }],
        [20_000, { ...mains, 'WB-left': 'yellow' }],
      ]),
    ).toContain('yellowTrap');
  });
});
