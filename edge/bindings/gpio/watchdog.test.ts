import { describe, expect, it } from 'vitest';
import { openDigitalOutput } from './digital.ts';
import { SimulatedGpio } from '../../../core/ports/gpio-simulated.ts';
import { startWatchdog } from './watchdog.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

async function setup() {
  const clock = new ManualClock();
  const gpio = new SimulatedGpio(clock);
  const out = await openDigitalOutput(gpio, { name: 'watchdog', line: 26 });
  if (!out.ok) throw out.error;
  let healthy = true;
  const wd = startWatchdog({ output: out.value, periodMs: 100, isHealthy: () => healthy, clock });
  const edgesBetween = (from: number, to: number) =>
    gpio.history(26).filter((h) => h.atMs > from && h.atMs <= to).length;
  return { clock, gpio, wd, edgesBetween, setHealthy: (h: boolean) => (healthy = h) };
}

describe('watchdog output', () => {
  it('toggles every period while healthy', async () => {
    const { clock, gpio, wd, edgesBetween } = await setup();
    clock.advance(1000);
    expect(edgesBetween(0, 1000)).toBe(10);
    expect(
      gpio
        .history(26)
        .slice(-2)
        .map((h) => h.level),
    ).toEqual([1, 0]);
    expect(wd.stats().toggles).toBe(10);
  });

  it('stops toggling while unhealthy and resumes after', async () => {
    const { clock, wd, edgesBetween, setHealthy } = await setup();
    clock.advance(300);
    setHealthy(false);
    clock.advance(1000);
    expect(edgesBetween(300, 1300)).toBe(0);
    expect(wd.stats().skippedUnhealthy).toBe(10);
    setHealthy(true);
    clock.advance(300);
    expect(edgesBetween(1300, 1600)).toBe(3);
  });

  it('does not pulse on the late tick after an event-loop stall', async () => {
    const { clock, wd, edgesBetween } = await setup();
    clock.advance(250);
    clock.stall(2000); // loop blocked: no timers run
    clock.advance(0); // the overdue tick runs 1,950 ms late
    expect(edgesBetween(250, 2250)).toBe(0);
    expect(wd.stats().stalls).toBe(1);
    expect(wd.stats().maxLagMs).toBe(1950);
    clock.advance(200);
    expect(edgesBetween(2250, 2450)).toBe(2);
  });

  it('stop() drives the line low and stops pulsing', async () => {
    const { clock, gpio, wd, edgesBetween } = await setup();
    clock.advance(100);
    expect(gpio.level(26)).toBe(1);
    await wd.stop();
    expect(gpio.level(26)).toBe(0);
    clock.advance(1000);
    expect(edgesBetween(100, 1100)).toBe(0);
    expect(gpio.history(26).map((h) => [h.atMs, h.level])).toEqual([
      [100, 1],
      [100, 0],
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts write failures instead of throwing', async () => {
    const { clock, gpio, wd } = await setup();
    gpio.setWriteFailure(26, true);
    clock.advance(300);
    await new Promise((r) => setImmediate(r));
    expect(wd.stats().writeFailures).toBe(3);
  });
});
