/**
 * Facade-level property: random lane, plate, operator, power and clock activity on both lanes
 * never makes the controller output `barrier.lower` for a lane whose safety input is occupied,
 * and the lot count always equals entries − exits in the log (nothing lost, nothing invented).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { read, rig } from './test-helpers.ts';

const lanes = ['entry-1', 'exit-1'] as const;
const plates = ['ABCD 123', 'ZZZZ 999', 'JKLM 901', 'EFGH 567', null];
const action = fc.oneof(
  fc.record({
    k: fc.constant('loop' as const),
    lane: fc.constantFrom(...lanes),
    which: fc.constantFrom('arming' as const, 'safety' as const),
    on: fc.boolean(),
  }),
  fc.record({
    k: fc.constant('limit' as const),
    lane: fc.constantFrom(...lanes),
    which: fc.constantFrom('open' as const, 'closed' as const),
    on: fc.boolean(),
  }),
  fc.record({
    k: fc.constant('plate' as const),
    lane: fc.constantFrom(...lanes),
    plate: fc.constantFrom(...plates),
    conf: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    k: fc.constant('op' as const),
    lane: fc.constantFrom(...lanes),
    cmd: fc.constantFrom('gate.open' as const, 'gate.close' as const, 'gate.reset' as const),
  }),
  fc.record({ k: fc.constant('power' as const), on: fc.boolean() }),
  fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
);

describe('parking controller properties', () => {
  it('never lowers onto an occupied safety input; count = entries − exits (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 80 }), (actions) => {
        const r = rig();
        const safety = new Map<string, boolean>();
        let unsafe = 0;
        r.ctl.onOutput((o) => {
          if (o.type === 'barrier.lower' && safety.get(o.laneId)) unsafe++;
        });
        for (const a of actions) {
          if (a.k === 'loop') {
            if (a.which === 'safety') safety.set(a.lane, a.on);
            r.ctl.loop(a.lane, a.which, a.on);
          } else if (a.k === 'limit') r.ctl.limit(a.lane, a.which, a.on);
          else if (a.k === 'plate') r.ctl.plateRead(a.lane, read(a.plate, a.conf));
          else if (a.k === 'op') r.ctl.operator({ type: a.cmd, laneId: a.lane, who: 'prop', why: '' });
          else if (a.k === 'power') a.on ? r.ctl.powerRestored() : r.ctl.powerLoss();
          else r.clock.increment(a.ms);
        }
        expect(unsafe).toBe(0);
        const log = r.ctl.logTail(10_000);
        const net =
          log.filter((l) => l.kind === 'entry').length - log.filter((l) => l.kind === 'exit').length;
        // The gate count is clamped at zero: exits of cars that entered before start are not negative.
        let inside = 0;
        for (const l of log) inside = Math.max(0, inside + (l.kind === 'entry' ? 1 : -1));
        expect(r.ctl.snapshot().counts.gateCount).toBe(inside);
        expect(inside).toBeGreaterThanOrEqual(net);
        r.ctl.stop();
      }),
      { numRuns: 1000 },
    );
  });
});
