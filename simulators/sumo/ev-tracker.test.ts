import { describe, expect, it } from 'vitest';
import { type EvObservation, EvTracker, type JunctionApproaches, distanceAlongRoute } from './ev-tracker.ts';

const lengths: Record<string, number> = { W_J1: 390, J1_J2: 385, J2_J3: 385, J3_E: 390 };
const len = (e: string) => lengths[e] ?? 0;
const route = ['W_J1', 'J1_J2', 'J2_J3', 'J3_E'];
const obs = (p: Partial<EvObservation>): EvObservation => ({
  vehicleId: 'ev0',
  routeId: 'r0',
  route,
  routeIndex: 0,
  roadId: 'W_J1',
  lanePositionM: 0,
  speedMs: 10,
  ...p,
});
const junctions: JunctionApproaches[] = [
  { name: 'J1', approaches: { W_J1: 'eastbound' }, detectionRangeM: 300 },
  { name: 'J2', approaches: { J1_J2: 'eastbound' }, detectionRangeM: 300 },
];

describe('distanceAlongRoute', () => {
  it('adds the rest of the current edge and the edges up to the target', () => {
    expect(distanceAlongRoute(obs({ lanePositionM: 90 }), 0, len)).toBe(300);
    expect(distanceAlongRoute(obs({ lanePositionM: 90 }), 1, len)).toBe(685);
  });
  it('is undefined for a target already passed, including from inside the junction', () => {
    expect(distanceAlongRoute(obs({ routeIndex: 1, roadId: 'J1_J2' }), 0, len)).toBeUndefined();
    expect(distanceAlongRoute(obs({ routeIndex: 0, roadId: ':J1_11_0' }), 0, len)).toBeUndefined();
    expect(distanceAlongRoute(obs({ routeIndex: 0, roadId: ':J1_11_0' }), 1, len)).toBe(385);
  });
});

describe('EvTracker', () => {
  it('requests priority only within range, with an absolute ETA from the speed', () => {
    const t = new EvTracker(junctions);
    expect(t.update(0, [obs({ lanePositionM: 50 })], len)).toEqual([]); // 340 m away
    const a = t.update(10_000, [obs({ lanePositionM: 190 })], len); // 200 m at 10 m/s
    expect(a).toEqual([
      {
        kind: 'request',
        junction: 'J1',
        vehicleId: 'ev0',
        routeId: 'r0',
        approach: 'eastbound',
        distanceM: 200,
        etaMs: 30_000,
      },
    ]);
  });

  it('does not repeat a request whose ETA holds, but updates it when the EV slows', () => {
    const t = new EvTracker(junctions);
    t.update(0, [obs({ lanePositionM: 190 })], len); // eta 20 s
    expect(t.update(1000, [obs({ lanePositionM: 200 })], len)).toEqual([]); // eta still 20 s
    const slowed = t.update(2000, [obs({ lanePositionM: 205, speedMs: 2 })], len); // 185 m at min 5 m/s
    expect(slowed).toMatchObject([{ kind: 'request', junction: 'J1', etaMs: 2000 + 37_000 }]);
  });

  it('checks out once the EV is past the approach edge, and requests the next junction', () => {
    const t = new EvTracker(junctions);
    t.update(0, [obs({ lanePositionM: 300 })], len);
    const a = t.update(10_000, [obs({ routeIndex: 1, roadId: 'J1_J2', lanePositionM: 100 })], len);
    expect(a).toEqual([
      { kind: 'checkOut', junction: 'J1', vehicleId: 'ev0' },
      expect.objectContaining({ kind: 'request', junction: 'J2', distanceM: 285 }),
    ]);
    // once served, J1 is never requested again
    expect(t.update(11_000, [obs({ routeIndex: 1, roadId: 'J1_J2', lanePositionM: 110 })], len)).toEqual([]);
  });

  it('checks out a requesting EV that leaves the simulation', () => {
    const t = new EvTracker(junctions);
    t.update(0, [obs({ lanePositionM: 300 })], len);
    expect(t.update(1000, [], len)).toEqual([{ kind: 'checkOut', junction: 'J1', vehicleId: 'ev0' }]);
    expect(t.update(2000, [], len)).toEqual([]);
  });
});
