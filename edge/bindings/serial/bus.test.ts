/** Reconnect policy of the bus on a scripted link and a manual clock (no real time, no sleeps). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BindingError, err, ok } from '../../../core/ports/binding-error.ts';
import type { SerialLinkFactory, SerialLinkHandlers, SerialSensorBus } from '../../../core/ports/serial.ts';
import { openSerialSensorBus } from './bus.ts';
import { serialPortLinkFactory } from './link.ts';
import { encodeFrame } from '../../../core/ports/serial-frames.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

type Step = 'fail' | 'ok' | 'drop';

/** A link factory that follows a script of open outcomes and records when each attempt happened. */
function scripted(clock: ManualClock, steps: Step[], present = () => true) {
  const attempts: number[] = [];
  let handlers: SerialLinkHandlers | null = null;
  const factory: SerialLinkFactory = {
    path: '/dev/ttyTEST',
    isPresent: async () => present(),
    open: async (h) => {
      attempts.push(clock.now());
      const step = steps.shift() ?? 'ok';
      if (step === 'fail') return err(new BindingError('SERIAL_OPEN_FAILED', 'EACCES'));
      handlers = h;
      // 'drop': the adapter vanishes in the same tick the open succeeded.
      if (step === 'drop') queueMicrotask(() => h.onClose(new BindingError('SERIAL_DISCONNECTED', 'EIO')));
      return ok({ write: async () => {}, close: async () => h.onClose(null) });
    },
  };
  return { factory, attempts, data: (b: Buffer) => handlers?.onData(b) };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

async function advance(clock: ManualClock, ms: number, stepMs = 50): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(Math.min(stepMs, ms - t));
    await flush();
  }
}

let bus: SerialSensorBus | null = null;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

describe('serial bus reconnect policy', () => {
  it('backs off exponentially on open failures, capped at maxMs', async () => {
    const clock = new ManualClock();
    const s = scripted(clock, ['fail', 'fail', 'fail', 'fail', 'fail', 'ok']);
    bus = await openSerialSensorBus({
      path: 'x',
      link: s.factory,
      clock,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    expect(bus.status()).toMatchObject({ state: 'down', lastError: { code: 'SERIAL_OPEN_FAILED' } });
    await advance(clock, 3000, 10);
    expect(s.attempts).toEqual([0, 100, 300, 700, 1200, 1700]);
    expect(bus.status()).toMatchObject({ state: 'up', openFailures: 5, reconnects: 0 });
  });

  it('reconnects when the link drops in the same tick it came up', async () => {
    const clock = new ManualClock();
    const s = scripted(clock, ['drop', 'ok']);
    bus = await openSerialSensorBus({ path: 'x', link: s.factory, clock, presencePollMs: 20 });
    await advance(clock, 500, 10); // one initial backoff (250 ms) after the drop
    expect(s.attempts).toEqual([0, 250]);
    // The first link never really came up: one open failure, no reconnect.
    expect(bus.status()).toMatchObject({ state: 'up', reconnects: 0, openFailures: 1 });
  });

  it('polls presence without counting open failures while the device is missing', async () => {
    const clock = new ManualClock();
    let plugged = false;
    const s = scripted(clock, ['ok'], () => plugged);
    bus = await openSerialSensorBus({ path: 'x', link: s.factory, clock, presencePollMs: 100 });
    await advance(clock, 1000);
    expect(s.attempts).toEqual([]);
    expect(bus.status()).toMatchObject({ state: 'down', openFailures: 0 });
    plugged = true;
    await advance(clock, 100);
    expect(bus.status().state).toBe('up');
  });

  it('opens a replugged device when its node appears, without waiting for the next presence poll', async () => {
    const clock = new ManualClock();
    let plugged = false;
    let notify: (() => void) | null = null;
    const s = scripted(clock, ['ok'], () => plugged);
    const factory: SerialLinkFactory = {
      ...s.factory,
      watchPresence: (onChange) => {
        notify = onChange;
        return () => {
          notify = null;
        };
      },
    };
    bus = await openSerialSensorBus({ path: 'x', link: factory, clock, presencePollMs: 10_000 });
    await advance(clock, 1000);
    expect(bus.status().state).toBe('down');
    plugged = true;
    (notify as (() => void) | null)?.();
    await flush(); // no clock advance: the watch, not the 10 s poll, woke the bus
    expect(s.attempts).toEqual([1000]);
    expect(bus.status().state).toBe('up');
    expect(notify).toBeNull(); // the watch ends once the link is up
  });

  it('the real link factory reports a device node created in its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cityedge-watch-'));
    const path = join(dir, 'ttyUSB0');
    const factory = serialPortLinkFactory({ path, baudRate: 115_200 });
    let changes = 0;
    const stop = factory.watchPresence?.(() => changes++);
    try {
      expect(await factory.isPresent()).toBe(false);
      writeFileSync(join(dir, 'other'), ''); // another node in /dev is not ours
      writeFileSync(path, '');
      await vi.waitFor(() => expect(changes).toBeGreaterThan(0), { timeout: 5000 });
      expect(await factory.isPresent()).toBe(true);
    } finally {
      stop?.();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('timestamps messages with the monotonic clock and counts frame errors', async () => {
    const clock = new ManualClock(5000);
    const s = scripted(clock, ['ok']);
    bus = await openSerialSensorBus({ path: 'x', link: s.factory, clock });
    const at: number[] = [];
    const codes: string[] = [];
    bus.onMessage((_m, t) => at.push(t));
    bus.onFrameError((e) => codes.push(e.code));
    const bad = encodeFrame({ type: 'battery', sensorId: 1, millivolts: 3000, percent: 10 });
    bad[5] = (bad[5] ?? 0) ^ 0xff;
    s.data(bad);
    clock.advance(250);
    s.data(encodeFrame({ type: 'heartbeat', sensorId: 1, seq: 1, uptimeS: 1 }));
    expect(at).toEqual([5250]);
    expect(codes).toContain('SERIAL_BAD_CRC');
    expect(bus.status().counters.badCrc).toBeGreaterThanOrEqual(1);
  });

  it('isolates a throwing subscriber: others still get the message, the fault is counted', async () => {
    const clock = new ManualClock();
    const s = scripted(clock, ['ok']);
    bus = await openSerialSensorBus({ path: 'x', link: s.factory, clock });
    const got: number[] = [];
    bus.onMessage(() => {
      throw new Error('consumer bug');
    });
    bus.onMessage((m) => got.push(m.sensorId));
    s.data(encodeFrame({ type: 'heartbeat', sensorId: 9, seq: 1, uptimeS: 1 }));
    expect(got).toEqual([9]);
    expect(bus.status().listenerFaults).toBe(1);
  });

  it('decodes a frame stuck behind a false start once the line has been idle, not before', async () => {
    const clock = new ManualClock();
    const s = scripted(clock, ['ok']);
    bus = await openSerialSensorBus({ path: 'x', link: s.factory, clock, idleFlushMs: 200 });
    const got: number[] = [];
    const codes: string[] = [];
    bus.onMessage((m) => got.push(m.sensorId));
    bus.onFrameError((e) => codes.push(e.code));
    // START + LEN 35 promises 39 bytes; the real frame behind it is only 13.
    s.data(Buffer.from([0xa5, 35]));
    clock.advance(150);
    s.data(encodeFrame({ type: 'heartbeat', sensorId: 4, seq: 1, uptimeS: 1 }));
    clock.advance(150); // 300 ms after the first byte, 150 ms after the last: not idle yet
    expect(got).toEqual([]);
    clock.advance(100);
    expect(got).toEqual([4]);
    expect(codes).toEqual(['SERIAL_TORN']);
    expect(bus.status().counters.torn).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('close() during backoff ends the loop promptly', async () => {
    const clock = new ManualClock();
    const s = scripted(clock, ['fail', 'fail']);
    bus = await openSerialSensorBus({ path: 'x', link: s.factory, clock, backoff: { initialMs: 10_000 } });
    await bus.close();
    expect(bus.status().state).toBe('closed');
    await advance(clock, 30_000, 1000);
    expect(s.attempts.length).toBe(1);
  });
});
