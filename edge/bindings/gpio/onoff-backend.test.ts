import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PI5, writeFakeGpioSysfs } from '../testing/fake-sysfs.ts';
import { openDigitalInput, openDigitalOutput } from './digital.ts';
import { createOnoffBackend, type OnoffGpioLike, type OnoffModuleLike } from './onoff-backend.ts';
import type { DigitalEdge } from '../../../core/ports/gpio.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

type WatchCb = (err: Error | null | undefined, value: 0 | 1) => void;

/** Records what onoff would be asked to do, without a /sys/class/gpio. */
function fakeOnoff(accessible = true) {
  const made: { gpio: number; direction: string; edge: string | undefined; line: FakeGpio }[] = [];
  class FakeGpio implements OnoffGpioLike {
    static readonly accessible = accessible;
    value: 0 | 1;
    watchers = new Set<WatchCb>();
    unexported = false;
    constructor(
      gpio: number,
      direction: 'in' | 'out' | 'high' | 'low',
      edge?: 'none' | 'rising' | 'falling' | 'both',
    ) {
      this.value = direction === 'high' ? 1 : 0;
      made.push({ gpio, direction, edge, line: this });
    }
    readSync = () => this.value;
    read = async () => this.value;
    write = async (v: 0 | 1) => {
      this.value = v;
    };
    watch = (cb: WatchCb) => void this.watchers.add(cb);
    unwatch = (cb?: WatchCb) => void (cb && this.watchers.delete(cb));
    unwatchAll = () => this.watchers.clear();
    unexport = () => {
      this.unexported = true;
    };
    interrupt(err: Error | null, value: 0 | 1) {
      if (!err) this.value = value;
      for (const w of this.watchers) w(err, value);
    }
  }
  const mod: OnoffModuleLike = { Gpio: FakeGpio };
  return { mod, made };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(`${tmpdir()}/cityedge-onoff-`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('onoff backend', () => {
  it('reports GPIO_UNAVAILABLE on this machine (no GPIO sysfs) instead of throwing', async () => {
    const r = await createOnoffBackend();
    expect(!r.ok && r.error.code).toBe('GPIO_UNAVAILABLE');
  });

  it('passes base-offset sysfs numbers to onoff (Pi 5: BCM 17 → 588) and adapts interrupts', async () => {
    const sysfsRoot = await writeFakeGpioSysfs(root, 'pi5', PI5);
    const { mod, made } = fakeOnoff();
    const backend = await createOnoffBackend({ sysfsRoot, onoff: mod });
    if (!backend.ok) throw backend.error;
    const clock = new ManualClock();
    const input = await openDigitalInput(backend.value, { name: 'loop', line: 17, debounceMs: 0 }, clock);
    if (!input.ok) throw input.error;
    expect(made[0]).toMatchObject({ gpio: 588, direction: 'in', edge: 'both' });
    const edges: DigitalEdge[] = [];
    input.value.onEdge((e) => edges.push(e));
    made[0]?.line.interrupt(new Error('EPOLL'), 1); // failed interrupt read: not a level change
    made[0]?.line.interrupt(null, 1);
    expect(edges.map((e) => e.edge)).toEqual(['rising']);
    await input.value.close();
    expect(made[0]?.line.unexported).toBe(true);
    expect(made[0]?.line.watchers.size).toBe(0);
  });

  it('exports outputs at their initial level and maps failures to error values', async () => {
    const sysfsRoot = await writeFakeGpioSysfs(root, 'pi5-out', PI5);
    const { mod, made } = fakeOnoff();
    const backend = await createOnoffBackend({ sysfsRoot, onoff: mod });
    if (!backend.ok) throw backend.error;
    const relay = await openDigitalOutput(backend.value, { name: 'relay', line: 23, initial: 1 });
    if (!relay.ok) throw relay.error;
    expect(made[0]).toMatchObject({ gpio: 594, direction: 'high' });
    await relay.value.write(0);
    expect(await relay.value.read()).toBe(0);
    const bad = await openDigitalOutput(backend.value, { name: 'x', line: 60 });
    expect(!bad.ok && bad.error.code).toBe('GPIO_LINE_OUT_OF_RANGE');
    expect(made).toHaveLength(1);
  });

  it('is unavailable when onoff says sysfs is not accessible', async () => {
    const r = await createOnoffBackend({ onoff: fakeOnoff(false).mod });
    expect(!r.ok && r.error.code).toBe('GPIO_UNAVAILABLE');
  });
});
