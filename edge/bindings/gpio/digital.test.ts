import { describe, expect, it } from 'vitest';
import { BindingError } from '../../../core/ports/binding-error.ts';
import { openDigitalInput, openDigitalOutput } from './digital.ts';
import { SimulatedGpio } from '../../../core/ports/gpio-simulated.ts';
import type { DigitalEdge, DigitalInput } from '../../../core/ports/gpio.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

async function setup(opts: { debounceMs?: number; activeLow?: boolean } = {}) {
  const clock = new ManualClock(1000);
  const gpio = new SimulatedGpio(clock);
  const r = await openDigitalInput(gpio, { name: 'loop1', line: 5, ...opts }, clock);
  if (!r.ok) throw r.error;
  const edges: DigitalEdge[] = [];
  r.value.onEdge((e) => edges.push(e));
  return { clock, gpio, input: r.value as DigitalInput, edges };
}

describe('DigitalInput (simulated backend, manual clock)', () => {
  it('reports one debounced rising edge with the raw-change time', async () => {
    const { clock, gpio, input, edges } = await setup({ debounceMs: 20 });
    gpio.drive(5, 1);
    clock.advance(19);
    expect(edges).toEqual([]);
    expect(input.value()).toBe(0);
    clock.advance(1);
    expect(edges).toEqual([{ name: 'loop1', edge: 'rising', value: 1, atMs: 1000, confirmedAtMs: 1020 }]);
    expect(input.value()).toBe(1);
  });

  it('ignores contact bounce shorter than the debounce time', async () => {
    const { clock, gpio, edges } = await setup({ debounceMs: 20 });
    for (let i = 0; i < 5; i++) {
      gpio.drive(5, 1);
      clock.advance(3);
      gpio.drive(5, 0);
      clock.advance(3);
    }
    clock.advance(100);
    expect(edges).toEqual([]);
  });

  it('times the edge from the last bounce, then reports the falling edge', async () => {
    const { clock, gpio, edges } = await setup({ debounceMs: 10 });
    gpio.drive(5, 1);
    clock.advance(4);
    gpio.drive(5, 0);
    clock.advance(2);
    gpio.drive(5, 1); // t = 1006, then stable
    clock.advance(50);
    gpio.drive(5, 0); // t = 1056
    clock.advance(50);
    expect(edges.map((e) => [e.edge, e.atMs, e.confirmedAtMs])).toEqual([
      ['rising', 1006, 1016],
      ['falling', 1056, 1066],
    ]);
  });

  it('inverts active-low inputs (pulled-up contact closing to ground)', async () => {
    const clock = new ManualClock();
    const gpio = new SimulatedGpio(clock);
    gpio.drive(6, 1); // idle high
    const r = await openDigitalInput(gpio, { name: 'ped', line: 6, activeLow: true, debounceMs: 5 }, clock);
    if (!r.ok) throw r.error;
    expect(r.value.value()).toBe(0);
    const edges: DigitalEdge[] = [];
    r.value.onEdge((e) => edges.push(e));
    gpio.drive(6, 0); // pressed
    clock.advance(5);
    expect(edges.map((e) => e.edge)).toEqual(['rising']);
    expect(r.value.value()).toBe(1);
  });

  it('with debounceMs 0 reports edges immediately; unsubscribe stops delivery', async () => {
    const { gpio, input, edges } = await setup({ debounceMs: 0 });
    const extra: DigitalEdge[] = [];
    const off = input.onEdge((e) => extra.push(e));
    gpio.drive(5, 1);
    off();
    gpio.drive(5, 0);
    expect(edges.map((e) => e.edge)).toEqual(['rising', 'falling']);
    expect(extra.map((e) => e.edge)).toEqual(['rising']);
  });

  it('a throwing edge listener does not stop the others (nor the interrupt path)', async () => {
    const { clock, gpio, input, edges } = await setup({ debounceMs: 0 });
    input.onEdge(() => {
      throw new Error('consumer bug');
    });
    const after: string[] = [];
    input.onEdge((e) => after.push(e.edge));
    expect(() => gpio.drive(5, 1)).not.toThrow();
    clock.advance(1);
    expect(edges.map((e) => e.edge)).toEqual(['rising']);
    expect(after).toEqual(['rising']);
  });

  it('close() cancels a pending debounce timer and frees the line', async () => {
    const { clock, gpio, input, edges } = await setup({ debounceMs: 20 });
    gpio.drive(5, 1);
    await input.close();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(50);
    expect(edges).toEqual([]);
    const again = await openDigitalInput(gpio, { name: 'loop1', line: 5 }, clock);
    expect(again.ok).toBe(true);
  });

  it('returns error values for a busy or out-of-range line', async () => {
    const { gpio, clock } = await setup();
    const busy = await openDigitalInput(gpio, { name: 'dup', line: 5 }, clock);
    expect(!busy.ok && busy.error.code).toBe('GPIO_LINE_BUSY');
    const bad = await openDigitalOutput(gpio, { name: 'x', line: 99 });
    expect(!bad.ok && bad.error.code).toBe('GPIO_LINE_OUT_OF_RANGE');
  });
});

describe('DigitalOutput (simulated backend)', () => {
  it('drives the initial level, writes, and reads back (active-low inverted on the wire)', async () => {
    const clock = new ManualClock();
    const gpio = new SimulatedGpio(clock);
    const relay = await openDigitalOutput(gpio, { name: 'barrier', line: 20, initial: 0, activeLow: true });
    if (!relay.ok) throw relay.error;
    expect(gpio.level(20)).toBe(1);
    await relay.value.write(1);
    expect(gpio.level(20)).toBe(0);
    expect(await relay.value.read()).toBe(1);
    clock.advance(10);
    await relay.value.write(0);
    expect(gpio.history(20).map((h) => [h.atMs, h.level])).toEqual([
      [0, 1],
      [0, 0],
      [10, 1],
    ]);
  });

  it('rejects writes with coded errors on driver failure and after close', async () => {
    const gpio = new SimulatedGpio(new ManualClock());
    const r = await openDigitalOutput(gpio, { name: 'light', line: 21 });
    if (!r.ok) throw r.error;
    gpio.setWriteFailure(21, true);
    await expect(r.value.write(1)).rejects.toMatchObject({ code: 'GPIO_IO_FAILED' });
    gpio.setWriteFailure(21, false);
    await r.value.close();
    const e = await r.value.write(1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BindingError);
    expect((e as BindingError).code).toBe('GPIO_CLOSED');
  });
});
