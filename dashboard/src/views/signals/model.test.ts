import { describe, expect, it } from 'vitest';
import type { IntersectionState } from '../../state.ts';
import { decodeEvent } from './indiana.ts';
import {
  callsFrom,
  countRows,
  headsByApproach,
  mergeHiRes,
  placeHead,
  preemptBanner,
  ringTimings,
} from './model.ts';

describe('signal heads by approach', () => {
  it('reads approach and movement from the configured group names', () => {
    expect(placeHead('EB-left', 'greenArrow')).toMatchObject({ approach: 'eastbound', movement: 'left' });
    expect(placeHead('NB-through-ped', 'walk')).toMatchObject({ approach: 'northbound', movement: 'ped' });
    expect(placeHead('southbound_thru', 'red')).toMatchObject({
      approach: 'southbound',
      movement: 'through',
    });
    expect(placeHead('NB-stem', 'green')).toMatchObject({
      approach: 'northbound',
      movement: 'other',
      label: 'stem',
    });
    // A name that says nothing still gets a head, labelled with its own name.
    expect(placeHead('aux-7', 'dark')).toMatchObject({ approach: null, movement: 'other', label: 'aux-7' });
  });

  it('orders each approach left arrow, through, ped and keeps unplaced heads aside', () => {
    const { approaches, other } = headsByApproach({
      'WB-through': 'green',
      'WB-through-ped': 'walk',
      'WB-left': 'red',
      'EB-through': 'green',
      beacon: 'flashingYellow',
    });
    expect(approaches.westbound.map((h) => h.label)).toEqual(['left', 'thru', 'ped']);
    expect(approaches.eastbound.map((h) => h.group)).toEqual(['EB-through']);
    expect(approaches.northbound).toEqual([]);
    expect(other.map((h) => h.group)).toEqual(['beacon']);
  });
});

const spat = (ring1: {
  phase: number;
  interval: string;
  ttc: number | null;
  min: number | null;
  max: number | null;
}) => ({
  mode: 'normal' as const,
  rings: [
    {
      ring: 1,
      phase: ring1.phase,
      interval: ring1.interval,
      timeToChangeMs: ring1.ttc,
      minEndMs: ring1.min,
      maxEndMs: ring1.max,
    },
  ],
});

describe('time in phase against min and max', () => {
  it('counts from when the interval began, with min and max from the controller-clock differences', () => {
    // Green began at 10 000; the SPaT at 12 000 says min ends in 8 s and max 45 s after min.
    const x: IntersectionState = {
      alarms: [],
      spat: spat({ phase: 2, interval: 'green', ttc: 8000, min: 500_000, max: 545_000 }),
      spatTs: 12_000,
      ringSince: [10_000],
    };
    expect(ringTimings(x, 15_000)).toEqual([
      { ring: 1, phase: 2, interval: 'green', elapsedMs: 5000, minMs: 10_000, maxMs: 55_000 },
    ]);
  });

  it('has no max while the phase rests in green with no conflicting call', () => {
    const x: IntersectionState = {
      alarms: [],
      spat: spat({ phase: 6, interval: 'green', ttc: 0, min: 1000, max: null }),
      spatTs: 5000,
      ringSince: [0],
    };
    expect(ringTimings(x, 9000)[0]).toMatchObject({ elapsedMs: 9000, minMs: 5000, maxMs: null });
  });
});

describe('calls from the hi-res log', () => {
  it('lights a detector whose newest event is on and a phase whose call is not yet served', () => {
    // Newest first, as the state keeps it.
    const calls = callsFrom([
      { ts: 9, code: 82, param: 5 },
      { ts: 8, code: 81, param: 2 },
      { ts: 7, code: 43, param: 4 },
      { ts: 6, code: 82, param: 2 },
      { ts: 5, code: 1, param: 3 },
      { ts: 4, code: 43, param: 3 },
      { ts: 3, code: 81, param: 5 },
    ]);
    expect([...calls.detectors]).toEqual([5]);
    expect([...calls.phases]).toEqual([4]);
    expect(calls.channels).toEqual([2, 5]);
    expect([...calls.seen].sort()).toEqual([3, 4]);
  });

  it('merges live and stored events once each, newest first', () => {
    const live = [{ ts: 30, code: 1, param: 2 }];
    const stored = [
      { ts: 30, code: 1, param: 2 },
      { ts: 40, code: 82, param: 1 },
      { ts: 10, code: 8, param: 2 },
    ];
    expect(mergeHiRes(live, stored).map((e) => e.ts)).toEqual([40, 30, 10]);
  });
});

describe('Indiana codes', () => {
  it('names the code and what its parameter counts', () => {
    expect(decodeEvent(1, 2)).toMatchObject({ name: 'Phase begin green', param: 'phase 2', group: 'phase' });
    expect(decodeEvent(82, 14)).toMatchObject({ name: 'Detector on', param: 'detector channel 14' });
    expect(decodeEvent(173, 6)).toMatchObject({ name: 'Unit flash status change', param: 'cause: MMU' });
    expect(decodeEvent(105, 1).group).toBe('preempt');
    expect(decodeEvent(137, 30).name).toBe('Split 4 change');
    expect(decodeEvent(250, 1)).toMatchObject({ name: 'Unknown code 250', group: 'unknown' });
  });
});

describe('preemption banner and counts', () => {
  it('shows the EV and its ETA while a priority request is fresh, and preemption without one', () => {
    const x: IntersectionState = {
      alarms: [],
      priority: { vehicleId: 'amb-1', routeId: 'main-eb', etaTs: 50_000, ts: 0 },
    };
    expect(preemptBanner(x, 20_000)).toEqual({
      vehicleId: 'amb-1',
      routeId: 'main-eb',
      etaS: 30,
      active: false,
    });
    expect(preemptBanner(x, 50_000 + 61_000)).toBeNull();
    const pre: IntersectionState = { alarms: [], heads: { mode: 'preemption', groups: {} } };
    expect(preemptBanner(pre, 0)).toMatchObject({ active: true, vehicleId: null, etaS: null });
  });

  it('sums counts by movement and vehicle class', () => {
    const rows = countRows({
      periodStart: 0,
      periodS: 900,
      counts: [
        { detector: 'eb-count', direction: 'EB', movement: 'through', vehicleClass: 'car', count: 40 },
        { detector: 'eb-count', direction: 'EB', movement: 'through', vehicleClass: 'heavy', count: 3 },
        { detector: 'eb-adv', direction: 'EB', movement: 'through', vehicleClass: 'car', count: 2 },
        { detector: 'nb-count', direction: 'NB', vehicleClass: 'van', count: 5 },
      ],
    });
    expect(rows).toEqual([
      { movement: 'EB through', byClass: { car: 42, heavy: 3 }, total: 45 },
      { movement: 'NB (nb-count)', byClass: { van: 5 }, total: 5 },
    ]);
  });
});
