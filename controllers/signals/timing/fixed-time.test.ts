import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createFixedTimeController, cycleSlots, effectiveCycleS, headsAt } from './fixed-time.ts';
import { nemaEightPhase } from './fixtures.ts';
import type { Heads, TimingLayout, TimingPlan } from './types.ts';

const SHOWING = new Set(['green', 'greenArrow', 'yellow']);

/** Phases showing green or yellow that may not run together: same ring or different barriers. */
function conflicts(layout: TimingLayout, heads: Heads): [number, number][] {
  const live = layout.phases.filter((p) => SHOWING.has(heads[p.signalGroup] ?? 'red')).map((p) => p.id);
  const ringOf = (p: number) => layout.rings.findIndex((r) => r.includes(p));
  const barrierOf = (p: number) => layout.barriers.findIndex((b) => b.includes(p));
  const bad: [number, number][] = [];
  for (const a of live) {
    for (const b of live) {
      if (a < b && (ringOf(a) === ringOf(b) || barrierOf(a) !== barrierOf(b))) bad.push([a, b]);
    }
  }
  return bad;
}

describe('fixed-time controller', () => {
  const layout = nemaEightPhase();
  const plan: TimingPlan = {
    cycleS: 100,
    greensS: { 1: 8, 2: 30, 3: 6, 4: 20, 5: 10, 6: 28, 7: 6, 8: 20 },
    offsetS: 0,
  };

  it('runs the ring sequence with yellow then red clearance', () => {
    const clock = new SimulatedClock();
    const c = createFixedTimeController(layout, plan, { clock });
    c.start();
    expect(c.heads().SBL).toBe('greenArrow');
    expect(c.heads().NBL).toBe('greenArrow');
    clock.increment(8_500); // phase 1 (8 s) → yellow arrow
    expect(c.heads().SBL).toBe('yellow');
    expect(c.heads().NBL).toBe('greenArrow'); // phase 5 has 10 s
    clock.increment(3_000); // 11.5 s: phase 1 all-red, phase 2 not yet
    expect(c.heads().SBL).toBe('red');
    expect(c.heads().NBT).toBe('red');
    clock.increment(1_000); // 12.5 s: phase 2 green
    expect(c.heads().NBT).toBe('green');
  });

  it('never shows conflicting greens (property over random plans)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 500 }),
        (gs, t) => {
          const p: TimingPlan = {
            cycleS: 1,
            greensS: Object.fromEntries(gs.map((g, i) => [i + 1, g])),
            offsetS: 0,
          };
          const slots = cycleSlots(layout, p);
          const c = effectiveCycleS(layout, p);
          expect(conflicts(layout, headsAt(layout, slots, (t / 500) * c))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applies a new plan only at the next cycle boundary and reports cycles', () => {
    const clock = new SimulatedClock();
    const c = createFixedTimeController(layout, plan, { clock });
    const cycles: number[] = [];
    c.onCycle((i) => cycles.push(i.startMs));
    c.start();
    const cycleMs = effectiveCycleS(layout, plan) * 1000;
    const next = { ...plan, greensS: { ...plan.greensS, 2: 40, 6: 38 } };
    clock.increment(5_000);
    expect(c.applyTiming(next).ok).toBe(true);
    c.heads();
    expect(c.plan()).toBe(plan);
    clock.increment(cycleMs - 5_000);
    c.heads();
    expect(c.plan()).toBe(next);
    expect(cycles).toEqual([cycleMs]);
    expect(c.applyTiming({ ...plan, cycleS: 0 }).ok).toBe(false);
  });

  it('shows walk then flashing don’t walk for a phase with a ped head', () => {
    const l = nemaEightPhase();
    l.phases[1] = { ...l.phases[1]!, ped: { signalGroup: 'P2', walkS: 7, clearanceS: 12 } };
    const slots = cycleSlots(l, plan);
    const start = slots[0]![1]!.startS;
    expect(headsAt(l, slots, start + 1).P2).toBe('walk');
    expect(headsAt(l, slots, start + 8).P2).toBe('flashingDontWalk');
    expect(headsAt(l, slots, start + 25).P2).toBe('dontWalk');
    expect(headsAt(l, slots, 0).P2).toBe('dontWalk');
  });

  it('shows a flashing yellow arrow only while the opposing through is green, then yellow, then red', () => {
    const l = nemaEightPhase();
    l.fya = [{ signalGroup: 'FYA-SB', opposingPhase: 2 }];
    const slots = cycleSlots(l, plan);
    const p2 = slots[0]![1]!;
    expect(headsAt(l, slots, p2.startS + 1)['FYA-SB']).toBe('flashingYellowArrow');
    expect(headsAt(l, slots, p2.greenEndS + 0.5)['FYA-SB']).toBe('yellow');
    expect(headsAt(l, slots, p2.endS + 0.5)['FYA-SB']).toBe('red');
    expect(headsAt(l, slots, 0)['FYA-SB']).toBe('red');
  });
});
