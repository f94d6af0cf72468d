import { describe, expect, it } from 'vitest';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import { decodeHead, greenConflicts, type HeadWiring, lampOfReported } from './lamps.ts';
import { VirtualClock } from './virtual-clock.ts';

const head = (group: string, phase: number, display: HeadWiring['display'], base: number): HeadWiring => ({
  group,
  phase,
  display,
  yellowMs: 3000,
  lines: { red: base, yellow: base + 1, green: base + 2 },
});

describe('load-switch decoding', () => {
  const clock = new VirtualClock();
  const gpio = new SimulatedGpio(clock);
  const ball = head('EB', 2, 'ball', 0);
  const arrow = head('EBL', 5, 'arrow', 3);
  const ped = head('EB-ped', 2, 'ped', 6);

  it('reads one lit lamp as a head, none as dark, two as a fault', async () => {
    expect(decodeHead(ball, gpio, clock.now())).toEqual({ ok: true, value: 'dark' });
    gpio.drive(2, 1);
    expect(decodeHead(ball, gpio, clock.now())).toEqual({ ok: true, value: 'green' });
    gpio.drive(5, 1);
    expect(decodeHead(arrow, gpio, clock.now())).toEqual({ ok: true, value: 'greenArrow' });
    gpio.drive(0, 1);
    expect(decodeHead(ball, gpio, clock.now())).toEqual({ ok: false, error: ['red', 'green'] });
    gpio.drive(8, 1);
    expect(decodeHead(ped, gpio, clock.now())).toEqual({ ok: true, value: 'walk' });
    gpio.drive(7, 1);
    expect(decodeHead(ped, gpio, clock.now())).toMatchObject({ ok: false });
  });

  it('reads a yellow held past the yellow interval as the flasher', async () => {
    for (const l of [0, 2]) gpio.drive(l, 0);
    gpio.drive(1, 1);
    await clock.advanceTo(clock.now() + 3000);
    expect(decodeHead(ball, gpio, clock.now())).toEqual({ ok: true, value: 'yellow' });
    await clock.advanceTo(clock.now() + 2000);
    expect(decodeHead(ball, gpio, clock.now())).toEqual({ ok: true, value: 'flashingYellow' });
  });

  it('finds incompatible greens from the output history, after all changes of an instant', () => {
    const c = new VirtualClock();
    const g = new SimulatedGpio(c);
    const a = head('A', 2, 'ball', 0);
    const b = head('B', 4, 'ball', 3);
    const d = head('D', 6, 'ball', 6);
    g.drive(2, 1); // A green
    g.drive(8, 1); // D green (compatible with A)
    g.drive(2, 0); // A hands over to B within the same instant: not a conflict
    g.drive(5, 1);
    const compatible = (x: number, y: number) => x === y || x + y === 8;
    expect(greenConflicts([a, b, d], g, compatible)).toEqual([{ atMs: 0, groups: ['B', 'D'] }]);
  });

  it('maps reported heads to the lamp the load switch lights', () => {
    expect(['green', 'greenArrow', 'walk'].map(lampOfReported)).toEqual(['green', 'green', 'green']);
    expect(['yellow', 'flashingYellowArrow'].map(lampOfReported)).toEqual(['yellow', 'yellow']);
    expect(['red', 'flashingRed', 'dontWalk', 'dark'].map(lampOfReported)).toEqual([
      'red',
      'red',
      'red',
      null,
    ]);
  });
});

describe('virtual clock', () => {
  it('lets promise chains of one timer settle before the next timer fires', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const chain = async (name: string) => {
      for (const step of [1, 2, 3]) {
        await Promise.resolve();
        seen.push(`${name}${step}`);
      }
    };
    clock.setTimeout(() => void chain('a'), 10);
    clock.setTimeout(() => void chain('b'), 10);
    const cancelled = clock.setTimeout(() => seen.push('never'), 20);
    clock.clearTimeout(cancelled);
    await clock.advanceTo(50);
    expect(seen).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
    expect(clock.now()).toBe(50);
    expect(clock.nowEpochMs() - clock.epochAtZeroMs).toBe(50);
    expect(clock.pendingTimers()).toBe(0);
  });
});
