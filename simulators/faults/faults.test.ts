import { afterAll, describe, expect, it } from 'vitest';
import { type ParkingOutput, createParkingController } from '../../controllers/parking/index.ts';
import { exampleLot, exampleRegistry } from '../../controllers/parking/test-helpers.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import { FrameParser, encodeFrame } from '../../core/ports/serial-frames.ts';
import { createRng, startSnapshotServer } from '../camera/index.ts';
import { FaultyLines, corruptingSink, sensorDropouts, startFlakyCamera } from './index.ts';
import { ManualClock } from '../../core/ports/clock.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('serial faults', () => {
  it('corrupted bytes are caught by the frame CRC: no corrupted message is ever accepted', () => {
    const parser = new FrameParser();
    const got: string[] = [];
    const sink = corruptingSink((b) => got.push(...parser.push(b).messages.map((m) => JSON.stringify(m))), {
      rate: 0.01,
      rng: createRng(7),
    });
    const sent: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const msg = {
        type: 'occupancy' as const,
        sensorId: (i % 40) + 1,
        occupied: i % 3 === 0,
        raw: 1000 + i,
      };
      sent.push(JSON.stringify(msg));
      sink.send(encodeFrame(msg));
    }
    // The line goes idle: a frame held back for a possible overlap is decided now.
    got.push(...parser.flush().messages.map((m) => JSON.stringify(m)));
    expect(sink.corruptedFrames()).toBeGreaterThan(50);
    const sentSet = new Set(sent);
    expect(got.every((m) => sentSet.has(m))).toBe(true);
    expect(got.length).toBe(2000 - sink.corruptedFrames());
    const c = parser.counters;
    expect(c.badCrc + c.badLength + c.droppedBytes).toBeGreaterThan(0);
  });

  it('a dropout silences one sensor for its duration only', () => {
    const clock = new ManualClock();
    const d = sensorDropouts(clock);
    const seen: number[] = [];
    const s1 = d.wrap(1, () => seen.push(1));
    const s2 = d.wrap(2, () => seen.push(2));
    d.silence(1, 60_000);
    s1(Buffer.alloc(1));
    s2(Buffer.alloc(1));
    clock.advance(60_000);
    s1(Buffer.alloc(1));
    expect(seen).toEqual([2, 1]);
    expect(d.dropped()).toBe(1);
  });
});

describe('detector faults against the parking controller', () => {
  const setup = () => {
    const clock = new ManualClock(Date.parse('2026-11-23T13:00:00Z'), Date.parse('2026-11-23T13:00:00Z'));
    const gpio = new SimulatedGpio(clock);
    const lines = new FaultyLines(gpio, clock);
    const ctl = createParkingController(exampleLot(), exampleRegistry(), { clock });
    const outputs: ParkingOutput[] = [];
    ctl.onOutput((o) => outputs.push(o));
    // exit-1: arming 12, safety 16, open limit 21, closed limit 26
    const wire: Array<[number, (on: boolean) => unknown]> = [
      [12, (on) => ctl.loop('exit-1', 'arming', on)],
      [16, (on) => ctl.loop('exit-1', 'safety', on)],
      [21, (on) => ctl.limit('exit-1', 'open', on)],
      [26, (on) => ctl.limit('exit-1', 'closed', on)],
    ];
    for (const [line, fn] of wire) gpio.watch(line, (l) => fn(l === 1));
    ctl.start();
    return { clock, lines, ctl, outputs };
  };

  it('a stuck-on photo-eye keeps the exit barrier up until it is released', () => {
    const { clock, lines, ctl, outputs } = setup();
    lines.drive(26, 1);
    lines.drive(12, 1);
    ctl.plateRead('exit-1', { plate: 'ABCD123', confidence: 0.95 });
    lines.drive(26, 0);
    lines.drive(21, 1);
    lines.drive(12, 0);
    lines.stick(16, 1, 10 * 60_000); // photo-eye blocked (dirt, a parked trolley)
    lines.drive(16, 0); // the world says clear: ignored while stuck
    clock.advance(5 * 60_000);
    expect(outputs.filter((o) => o.type === 'barrier.lower')).toEqual([]);
    clock.advance(5 * 60_000 + 1000);
    expect(outputs.filter((o) => o.type === 'barrier.lower')).toEqual([
      { type: 'barrier.lower', laneId: 'exit-1' },
    ]);
  });

  it('a chattering photo-eye while the car crosses gives one passage, and no lower while occupied', () => {
    const { clock, lines, ctl, outputs } = setup();
    lines.drive(26, 1);
    lines.drive(12, 1);
    ctl.plateRead('exit-1', { plate: 'ABCD123', confidence: 0.95 });
    lines.drive(26, 0);
    lines.drive(21, 1);
    lines.drive(12, 0);
    let lowersWhileOccupied = 0;
    ctl.onOutput((o) => {
      if (o.type === 'barrier.lower' && lines.level(16) === 1) lowersWhileOccupied++;
    });
    lines.drive(16, 1);
    const edges = lines.chatter(16, { periodMs: 150, durationMs: 3000 });
    lines.drive(16, 0); // the car has gone by the time the chatter stops
    clock.advance(4000);
    expect(edges).toBe(20);
    expect(lowersWhileOccupied).toBe(0);
    expect(ctl.logTail(10).filter((r) => r.kind === 'exit')).toHaveLength(1);
    expect(outputs.filter((o) => o.type === 'barrier.lower')).toHaveLength(1);
  });
});

describe('camera faults', () => {
  it('a hung snapshot times out at the client; the next one is served', async () => {
    const cam = await startSnapshotServer({ frame: Buffer.from('jpeg-bytes') });
    const flaky = await startFlakyCamera(cam.url, { timeoutRate: 0, rng: createRng(1) });
    cleanups.push(
      () => flaky.close(),
      () => cam.close(),
    );
    flaky.hangNext(1);
    await expect(fetch(flaky.url, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    // Generous: only the hung request must time out; this one just has to be served on a loaded box.
    const res = await fetch(flaky.url, { signal: AbortSignal.timeout(15_000) });
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('jpeg-bytes');
    expect([flaky.hung(), flaky.forwarded(), cam.requests()]).toEqual([1, 1, 1]);
  });
});
