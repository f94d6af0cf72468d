import { describe, expect, it } from 'vitest';
import { openPins } from './pins.ts';
import { SimulatedGpio } from '../../../core/ports/gpio-simulated.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

const cabinet = {
  inputs: {
    armingLoop: { line: 17, debounceMs: 30 },
    pedButton: { line: 27, activeLow: true, debounceMs: 50 },
    barrierUp: { line: 22 },
  },
  outputs: {
    barrierRelay: { line: 23 },
    warningLight: { line: 24, initial: 1 as const },
  },
};

describe('openPins', () => {
  it('opens named inputs and outputs that behave as configured', async () => {
    const clock = new ManualClock();
    const gpio = new SimulatedGpio(clock);
    gpio.drive(27, 1); // button idle high (pull-up)
    const r = await openPins(gpio, cabinet, clock);
    if (!r.ok) throw r.error;
    const { inputs, outputs } = r.value;
    expect(gpio.level(24)).toBe(1);
    expect(inputs.pedButton.value()).toBe(0);
    await outputs.barrierRelay.write(1);
    expect(gpio.level(23)).toBe(1);
    gpio.drive(17, 1);
    clock.advance(30);
    expect(inputs.armingLoop.value()).toBe(1);
    await r.value.close();
    const again = await openPins(gpio, cabinet, clock);
    expect(again.ok).toBe(true);
  });

  it('refuses a line used twice, before opening anything', async () => {
    const gpio = new SimulatedGpio(new ManualClock());
    const r = await openPins(gpio, { inputs: { a: { line: 5 } }, outputs: { b: { line: 5 } } });
    expect(!r.ok && r.error.code).toBe('GPIO_LINE_BUSY');
    expect(!r.ok && r.error.message).toContain('a and b');
  });

  it('closes what it opened when a later pin fails', async () => {
    const clock = new ManualClock();
    const gpio = new SimulatedGpio(clock);
    const r = await openPins(gpio, { inputs: { ok1: { line: 5 } }, outputs: { bad: { line: 200 } } }, clock);
    expect(!r.ok && r.error.code).toBe('GPIO_LINE_OUT_OF_RANGE');
    const reopen = await openPins(gpio, { inputs: { ok1: { line: 5 } }, outputs: {} }, clock);
    expect(reopen.ok).toBe(true);
  });
});
