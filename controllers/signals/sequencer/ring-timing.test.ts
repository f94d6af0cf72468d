/**
 * Per-ring phase timing (docs/signals.md, "Defect 3"): within a barrier each ring terminates its own
 * phase on that phase's own min, passage and max (NEMA TS2 dual-ring operation, FHWA STM ch. 5), and
 * the barrier is crossed only when every ring is done. Driven through the real controller.
 */
import { describe, expect, it } from 'vitest';
import { parseIntersectionConfig } from '../config.ts';
import { HiRes } from '../outputs/hires.ts';
import { exampleObject, type Rig, rig } from '../test-helpers.ts';
import type { HiResEvent } from '../types.ts';

function log(r: Rig): HiResEvent[] {
  const events: HiResEvent[] = [];
  r.ctl.onEvent((e) => events.push(e));
  return events;
}

const first = (events: HiResEvent[], code: number, phase: number, afterMs = 0): number | undefined =>
  events.find((e) => e.code === code && e.param === phase && e.timestampMs >= afterMs)?.timestampMs;

/** Run `ms`, pulsing a passage detector every `everyMs` (a steady stream of vehicles). */
function runWithTraffic(r: Rig, detector: string, ms: number, everyMs: number): void {
  for (let t = 0; t < ms; t += everyMs) {
    r.ctl.detector(detector, true);
    r.run(200);
    r.ctl.detector(detector, false);
    r.run(everyMs - 200);
  }
}

const greenNow = (r: Rig, name: string): boolean => r.ctl.heads()[name] === 'green';

describe('per-ring timing within a barrier', () => {
  it('a lightly used left gaps out on its own passage while its concurrent through keeps going', () => {
    const r = rig('four-leg-protected');
    const events = log(r);
    r.run(20_000); // resting in 2 + 6
    r.ctl.detector('wb-left-stop', true); // one car for left 1 (NEMA ring 1 moves 2 → 1 via dual entry [1, 6])
    runWithTraffic(r, 'wb-adv', 12_000, 1500);
    const g1 = first(events, HiRes.BEGIN_GREEN, 1);
    expect(g1).toBeDefined();
    r.ctl.detector('wb-left-stop', false); // the car has left
    const leftAt = r.clock.now();
    runWithTraffic(r, 'wb-adv', 20_000, 1500); // through 6 keeps its 3 s passage alive
    const gap1 = first(events, HiRes.GAP_OUT, 1);
    expect(gap1).toBeDefined();
    // Phase 1's own min (5 s) and passage (1 s), not through 6's min (10 s) or traffic.
    const ownEnd = Math.max((g1 ?? 0) + 5000, leftAt + 1000);
    expect(gap1 ?? 0).toBeLessThanOrEqual(ownEnd + 200);
    // The through was never terminated meanwhile: it stayed green across the left's change.
    expect(first(events, HiRes.BEGIN_YELLOW, 6, g1)).toBeUndefined();
    expect(greenNow(r, 'WB-through')).toBe(true);
  });

  it('the reverse: a lightly used through gaps out while its concurrent (lagging) left keeps going', () => {
    // Lead-lag: ring 1 runs through 2 then lagging left 1; ring 2 runs through 6 then lagging left 5.
    const obj = exampleObject('four-leg-protected');
    obj.rings = [
      [2, 1, 3, 4],
      [6, 5, 7, 8],
    ];
    const cfg = parseIntersectionConfig(obj);
    if (!cfg.ok) throw new Error(cfg.error.message);
    const r = rig(cfg.value);
    const events = log(r);
    r.run(20_000); // resting in 2 + 6
    r.ctl.detector('eb-left-stop', true); // left 5 called and kept busy (queue on its stop bar)
    r.run(12_000);
    const g5 = first(events, HiRes.BEGIN_GREEN, 5);
    expect(g5).toBeDefined();
    expect(greenNow(r, 'EB-through')).toBe(true); // 2 carried over into [2, 5]
    r.ctl.detector('wb-left-stop', true); // left 1 called: ring 1 can now move 2 → 1
    const calledAt = r.clock.now();
    r.run(8000);
    const gap2 = first(events, HiRes.GAP_OUT, 2, calledAt);
    // Through 2 has no traffic: it gaps out on its own 3 s passage, not held by left 5's occupancy.
    expect(gap2).toBeDefined();
    expect(gap2 ?? 0).toBeLessThanOrEqual(calledAt + 3000 + 200);
    expect(first(events, HiRes.BEGIN_YELLOW, 5, g5)).toBeUndefined();
    expect(r.ctl.heads()['EB-left']).toMatch(/green/i);
  });

  it('crosses the barrier only when both rings are done (simultaneous gap-out)', () => {
    const r = rig('four-leg-protected');
    const events = log(r);
    r.run(14_000); // resting in 2 + 6
    runWithTraffic(r, 'wb-adv', 6000, 1500); // through 6 is busy before the side street calls
    r.ctl.detector('nb-adv', true); // side-street call across the barrier
    r.ctl.detector('nb-adv', false);
    const calledAt = r.clock.now();
    // Through 2 has no traffic and is done; through 6 keeps extending: 2 waits, green, at the barrier.
    runWithTraffic(r, 'wb-adv', 30_000, 1500);
    expect(first(events, HiRes.BEGIN_YELLOW, 2, calledAt)).toBeUndefined();
    expect(greenNow(r, 'EB-through')).toBe(true);
    expect(greenNow(r, 'WB-through')).toBe(true);
    r.run(10_000); // 6's traffic stops: both rings done, the barrier is crossed together
    const y2 = first(events, HiRes.BEGIN_YELLOW, 2, calledAt);
    const y6 = first(events, HiRes.BEGIN_YELLOW, 6, calledAt);
    expect(y2).toBeDefined();
    expect(y2).toBe(y6);
    r.run(10_000);
    expect(first(events, HiRes.BEGIN_GREEN, 4, calledAt)).toBeGreaterThan(y2 ?? 0);
  });
});
