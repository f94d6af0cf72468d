import { describe, expect, it } from 'vitest';
import { openDigitalInput } from '../gpio/digital.ts';
import { SimulatedGpio } from '../../../core/ports/gpio-simulated.ts';
import { fakeJpeg, MemoryCamera } from './memory.ts';
import { type Capture, captureOnEdge, takeSnapshot } from './trigger.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

const flush = () => new Promise((r) => setImmediate(r));

async function setup(count = 3) {
  const clock = new ManualClock();
  const gpio = new SimulatedGpio(clock);
  const input = await openDigitalInput(gpio, { name: 'arming', line: 17, debounceMs: 10 }, clock);
  if (!input.ok) throw input.error;
  const camera = new MemoryCamera('lpr');
  const captures: Capture[] = [];
  const stop = captureOnEdge({
    input: input.value,
    camera,
    count,
    intervalMs: 200,
    clock,
    onCapture: (c) => captures.push(c),
  });
  return { clock, gpio, camera, captures, stop };
}

describe('captureOnEdge', () => {
  it('takes N snapshots at the interval after a rising edge of the arming loop', async () => {
    const { clock, gpio, camera, captures } = await setup(3);
    for (const n of ['a', 'b', 'c']) camera.push(fakeJpeg(n));
    gpio.drive(17, 1);
    clock.advance(10); // debounce → edge → first shot
    expect(camera.calls).toBe(1);
    clock.advance(199);
    expect(camera.calls).toBe(1);
    clock.advance(1);
    expect(camera.calls).toBe(2);
    clock.advance(200);
    await flush();
    expect(camera.calls).toBe(3);
    expect(captures).toHaveLength(1);
    expect(captures[0]?.edge.edge).toBe('rising');
    expect(captures[0]?.frames.map((f) => f.ok && f.value.subarray(4).toString('latin1'))).toEqual([
      'a\xff\xd9',
      'b\xff\xd9',
      'c\xff\xd9',
    ]);
  });

  it('ignores falling edges and reports a failed shot as an error value', async () => {
    const { clock, gpio, camera, captures } = await setup(2);
    camera.setFixedFrame(fakeJpeg('fixed'));
    gpio.drive(17, 1);
    clock.advance(10);
    camera.failNext('CAMERA_TIMEOUT');
    clock.advance(200);
    gpio.drive(17, 0);
    clock.advance(1000);
    await flush();
    expect(camera.calls).toBe(2);
    expect(captures).toHaveLength(1);
    const [first, second] = captures[0]?.frames ?? [];
    expect(first?.ok).toBe(true);
    expect(!second?.ok && second?.error.code).toBe('CAMERA_TIMEOUT');
  });

  it('stop() cancels shots not yet taken', async () => {
    const { clock, gpio, camera, stop } = await setup(5);
    camera.setFixedFrame(fakeJpeg('x'));
    gpio.drive(17, 1);
    clock.advance(10);
    stop();
    clock.advance(5000);
    expect(camera.calls).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('MemoryCamera / takeSnapshot', () => {
  it('returns queued frames FIFO, then CAMERA_NO_FRAME as a value', async () => {
    const cam = new MemoryCamera('sim');
    cam.push(fakeJpeg('1'));
    const a = await takeSnapshot(cam);
    const b = await takeSnapshot(cam);
    expect(a.ok && a.value).toEqual(fakeJpeg('1'));
    expect(!b.ok && b.error.code).toBe('CAMERA_NO_FRAME');
  });
});
