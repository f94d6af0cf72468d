import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Occupancy } from './occupancy.ts';
import type { LotCounts } from './occupancy.ts';
import { exampleLot } from './test-helpers.ts';

function setup(patch: Parameters<typeof exampleLot>[0] = () => {}) {
  const lot = exampleLot(patch);
  const clock = new SimulatedClock();
  const changes: string[] = [];
  const drifts: Array<{ counts: LotCounts; corrected: boolean }> = [];
  const occ = new Occupancy(lot, clock, {
    bayStatus: (bay, prev) => changes.push(`${bay.id}:${prev}->${bay.status}(${bay.reason})`),
    drift: (counts, corrected) => drifts.push({ counts, corrected }),
  });
  const allFree = () => {
    for (const b of lot.bays) occ.reading(b.sensor, { occupied: false });
    clock.increment(lot.occupancy.debounceMs);
  };
  return { lot, clock, occ, changes, drifts, allFree };
}

describe('bay occupancy', () => {
  it('bays start unknown and settle after the debounce time', () => {
    const { occ, clock } = setup();
    expect(occ.bay('A01')?.status).toBe('unknown');
    occ.reading('S-A01', { occupied: true });
    clock.increment(1999);
    expect(occ.bay('A01')?.status).toBe('unknown');
    clock.increment(1);
    expect(occ.bay('A01')?.status).toBe('occupied');
  });

  it('heartbeats keep a bay known for hours without occupancy changes', () => {
    const { occ, clock, allFree } = setup();
    allFree();
    for (let i = 0; i < 30; i++) {
      clock.increment(60_000);
      occ.reading('S-A04', { heartbeat: true });
    }
    expect(occ.bay('A04')?.status).toBe('free');
    expect(occ.bay('A05')?.status).toBe('unknown');
  });

  it('ignores chatter shorter than the debounce time', () => {
    const { occ, clock, changes, allFree } = setup();
    allFree();
    changes.length = 0;
    for (let i = 0; i < 10; i++) {
      occ.reading('S-A02', { occupied: i % 2 === 0 });
      clock.increment(500);
    }
    expect(changes).toEqual([]);
    expect(occ.bay('A02')?.status).toBe('free');
  });

  it('a silent sensor turns its bay unknown; a fault report does so at once', () => {
    const { occ, clock, allFree } = setup();
    allFree();
    clock.increment(599_000);
    for (const b of ['S-A01', 'S-A02']) occ.reading(b, { occupied: false }); // heartbeats
    clock.increment(2_000);
    expect(occ.bay('A01')?.status).toBe('free');
    expect(occ.bay('A03')).toMatchObject({ status: 'unknown', reason: 'sensor-silent' });
    occ.reading('S-A03', { heartbeat: true }); // alive again: its last value stands
    expect(occ.bay('A03')).toMatchObject({ status: 'free', reason: 'sensor' });
    expect(occ.reading('S-A01', { occupied: true, fault: 'low battery' })).toBe(false);
    expect(occ.bay('A01')).toMatchObject({ status: 'unknown', reason: 'sensor-fault' });
  });

  it('an operator-closed bay stays closed and is not available', () => {
    const { occ, clock, allFree } = setup();
    allFree();
    occ.setClosed('A05', true);
    occ.reading('S-A05', { state: 'occupied' });
    clock.increment(5000);
    expect(occ.bay('A05')?.status).toBe('closed');
    expect(occ.counts()).toMatchObject({ totalSpotNumber: 40, availableSpotNumber: 39, bayClosed: 1 });
    occ.setClosed('A05', false);
    expect(occ.bay('A05')?.status).toBe('occupied');
  });
});

describe('gate count reconciled with bay sensors', () => {
  it('a car in transit is not drift; a persistent difference is reported once per grace period', () => {
    const { occ, clock, drifts, allFree } = setup((l) => {
      l.occupancy.sensorSilenceMs = 10_000_000; // keep bays known through the long waits
    });
    allFree();
    occ.gatePassed(1); // entered, driving to a bay
    expect(occ.counts().drift).toBe(1);
    clock.increment(60_000);
    occ.reading('S-A07', { occupied: true });
    clock.increment(2_000);
    expect(occ.counts().drift).toBe(0);
    clock.increment(600_000);
    expect(drifts).toEqual([]);
    occ.gatePassed(1); // a second car that never parks (e.g. a missed exit elsewhere)
    clock.increment(300_000);
    expect(drifts).toHaveLength(1);
    expect(drifts[0]?.counts).toMatchObject({ gateCount: 2, bayOccupied: 1, drift: 1 });
    expect(drifts[0]?.corrected).toBe(false);
  });

  it('busy traffic (always some car between gate and bay) is not drift', () => {
    const { occ, clock, drifts, allFree, lot } = setup((l) => {
      l.occupancy.sensorSilenceMs = 10_000_000;
    });
    allFree();
    // A car enters every 30 s and parks 45 s later: the gate count is ahead of the bays for 20 min.
    for (let i = 0; i < 40; i++) {
      occ.gatePassed(1);
      const sensor = lot.bays[i % lot.bays.length]!.sensor;
      clock.setTimeout(() => occ.reading(sensor, { occupied: true }), 45_000);
      clock.increment(30_000);
      expect(occ.counts().drift).toBeGreaterThan(0);
    }
    clock.increment(120_000);
    clock.increment(3_000); // SimulatedClock starts timers set inside a flush at the flush's end time
    expect(occ.counts().drift).toBe(0);
    expect(drifts).toEqual([]);
  });

  it('reconcile=correct resets the gate count to the bay count', () => {
    const { occ, clock, drifts, allFree } = setup((l) => {
      l.occupancy.reconcile = 'correct';
    });
    allFree();
    occ.gatePassed(1);
    occ.gatePassed(1);
    occ.gatePassed(1);
    clock.increment(300_000);
    expect(drifts[0]?.corrected).toBe(true);
    expect(occ.counts()).toMatchObject({ gateCount: 0, occupiedSpotNumber: 0, availableSpotNumber: 40 });
  });

  it('drift is not computed while bays are unknown', () => {
    const { occ, clock, drifts } = setup();
    occ.gatePassed(1);
    clock.increment(1_000_000);
    expect(occ.counts().drift).toBeNull();
    expect(drifts).toEqual([]);
  });
});
