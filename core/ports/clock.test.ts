import { createActor, createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ManualClock, sleep, systemClock, systemWallClock, xstateClock } from './clock.ts';

const blinker = createMachine({
  id: 'blinker',
  initial: 'off',
  states: { off: { after: { 100: 'on' } }, on: { after: { 100: 'off' } } },
});

describe('ManualClock', () => {
  it('fires timers in due order with now() at each due time, including timers set while advancing', () => {
    const clock = new ManualClock(0);
    const seen: [string, number][] = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => {
      seen.push(['a', clock.now()]);
      clock.setTimeout(() => seen.push(['c', clock.now()]), 5);
    }, 10);
    const dropped = clock.setTimeout(() => seen.push(['x', clock.now()]), 15);
    clock.clearTimeout(dropped);
    clock.advance(100);
    expect(seen).toEqual([
      ['a', 10],
      ['c', 15],
      ['b', 20],
    ]);
    expect(clock.now()).toBe(100);
  });

  it('stall() moves time without firing; the overdue timer then fires late, never back in time', () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    clock.setTimeout(() => at.push(clock.now()), 10);
    clock.stall(500);
    expect(at).toEqual([]);
    clock.advance(0);
    expect(at).toEqual([500]);
  });

  it('gives wall-clock time offset from monotonic time', () => {
    const clock = new ManualClock(0, Date.UTC(2026, 5, 1));
    clock.advance(1500);
    expect(clock.nowEpochMs()).toBe(Date.UTC(2026, 5, 1) + 1500);
  });
});

describe('xstateClock', () => {
  it('drives XState delayed transitions from a ManualClock', () => {
    const clock = new ManualClock();
    const actor = createActor(blinker, { clock: xstateClock(clock) }).start();
    expect(actor.getSnapshot().value).toBe('off');
    clock.advance(100);
    expect(actor.getSnapshot().value).toBe('on');
    clock.advance(100);
    expect(actor.getSnapshot().value).toBe('off');
    actor.stop();
  });

  it('runs on real time by default', async () => {
    const actor = createActor(createMachine({ initial: 'a', states: { a: { after: { 20: 'b' } }, b: {} } }), {
      clock: xstateClock(),
    }).start();
    expect(actor.getSnapshot().value).toBe('a');
    const deadline = Date.now() + 2000;
    while (actor.getSnapshot().value !== 'b' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(actor.getSnapshot().value).toBe('b');
    actor.stop();
  });
});

describe('system clocks', () => {
  it('sleep on the system clock waits at least the delay; wall clock is Date.now()', async () => {
    const t0 = systemClock.now();
    await sleep(systemClock, 15);
    expect(systemClock.now() - t0).toBeGreaterThanOrEqual(14);
    expect(Math.abs(systemWallClock.nowEpochMs() - Date.now())).toBeLessThan(50);
  });
});
