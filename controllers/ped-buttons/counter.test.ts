import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ports/clock.ts';
import { createPedButtonCounter } from './counter.ts';

const setup = (lockoutMs = 2_000) => {
  const clock = new ManualClock();
  return { clock, counter: createPedButtonCounter({ lockoutMs }, { clock }) };
};

describe('pedestrian push-button counter', () => {
  it('counts one call per lockout however often the person presses', () => {
    const { clock, counter } = setup(2_000);
    for (let i = 0; i < 5; i++) {
      counter.press();
      clock.advance(300); // five presses within 1.5 s
    }
    expect(counter.closePeriod()).toEqual({ presses: 5, calls: 1 });
  });

  it('measures the lockout from the call: a press at exactly lockoutMs is a new call', () => {
    const { clock, counter } = setup(2_000);
    counter.press();
    clock.advance(1_999);
    counter.press(); // repeat
    clock.advance(1);
    counter.press(); // 2,000 ms after the call: new call
    expect(counter.closePeriod()).toEqual({ presses: 3, calls: 2 });
  });

  it('starts each period from zero while a lockout in progress carries on', () => {
    const { clock, counter } = setup(2_000);
    counter.press();
    expect(counter.closePeriod()).toEqual({ presses: 1, calls: 1 });
    clock.advance(500);
    counter.press(); // still the same demand as last period's call
    expect(counter.closePeriod()).toEqual({ presses: 1, calls: 0 });
    expect(counter.closePeriod()).toEqual({ presses: 0, calls: 0 });
  });

  it('with lockoutMs 0 every press is a call', () => {
    const { clock, counter } = setup(0);
    counter.press();
    clock.advance(0);
    counter.press();
    clock.advance(0);
    counter.press();
    expect(counter.closePeriod()).toEqual({ presses: 3, calls: 3 });
  });

  it('refuses a negative or NaN lockout and leaks no timer after stop', () => {
    const clock = new ManualClock();
    expect(() => createPedButtonCounter({ lockoutMs: -1 }, { clock })).toThrow(RangeError);
    expect(() => createPedButtonCounter({ lockoutMs: Number.NaN }, { clock })).toThrow(RangeError);
    const c = createPedButtonCounter({ lockoutMs: 1_000 }, { clock });
    c.press();
    c.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
