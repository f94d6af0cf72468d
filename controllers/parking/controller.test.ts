import { describe, expect, it } from 'vitest';
import { read, rig } from './test-helpers.ts';

describe('parking controller facade', () => {
  it('opens for a registered staff car, logs the entry and counts it', () => {
    const r = rig();
    r.pass('entry-1', read('ABCD 123'));
    expect(r.ofType('decision')[0]?.decision).toMatchObject({ verdict: 'open', reason: 'registered' });
    expect(r.outputs.map((o) => o.type)).toContain('barrier.raise');
    const entry = r.ofType('entry')[0]?.record;
    expect(entry).toMatchObject({
      plate: 'ABCD123',
      laneId: 'entry-1',
      decision: 'registered',
      frameRef: 'frame-1',
    });
    expect(r.ctl.snapshot().counts.occupiedSpotNumber).toBe(1);
    expect(r.ctl.snapshot().gates.find((g) => g.laneId === 'entry-1')?.state).toBe('closed');
  });

  it('computes the stay on exit and flashes the exit warning light', () => {
    const r = rig();
    r.pass('entry-1', read('ABCD 123'));
    r.clock.increment(3_600_000);
    r.pass('exit-1', read('ABCD 123'));
    const exit = r.ofType('exit')[0]?.record;
    expect(exit?.match).toBe('exact');
    expect(exit?.stayMs).toBeGreaterThan(3_600_000);
    expect(exit?.stayMs).toBeLessThan(3_620_000);
    expect(r.outputs).toContainEqual({ type: 'light.flash', laneId: 'exit-1' });
    expect(r.outputs).not.toContainEqual({ type: 'light.flash', laneId: 'entry-1' });
    expect(r.ctl.snapshot().counts.occupiedSpotNumber).toBe(0);
  });
});
