import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../state.ts';
import { apiPlate, boxPercent, liveLog, mergeLog, plateQuery, standingViolations } from './model.ts';

const ev = (id: string, ts: number, data: Record<string, unknown>, device = 'gw-1'): FeedItem => ({
  id,
  ts,
  site: 'campus',
  device,
  kind: 'parkingEvent',
  data: data as FeedItem['data'],
});

describe('car-park view model', () => {
  it('flashes a disabled bay only while the violating car is still there', () => {
    const bays = [
      { bay: 'd01', kind: 'disabled' as const, status: 'occupied' as const, since: 100 },
      { bay: 'd02', kind: 'disabled' as const, status: 'free' as const, since: 300 },
      { bay: 'd03', kind: 'disabled' as const, status: 'occupied' as const, since: 500 },
    ];
    const feed = [
      ev('1', 150, { kind: 'disabledViolation', bay: 'D01' }),
      ev('2', 200, { kind: 'disabledViolation', bay: 'd02' }), // the car left at 300
      ev('3', 400, { kind: 'disabledViolation', bay: 'd03' }), // an earlier car; a new one since 500
      ev('4', 600, { kind: 'disabledViolation', bay: 'd03' }, 'other-lot'),
    ];
    expect([...standingViolations(bays, feed, 'campus', 'gw-1')]).toEqual(['d01']);
  });

  it('turns typed text into a plate prefix for the history API', () => {
    expect(plateQuery(' abc-12 ')).toBe('ABC12');
    expect(apiPlate('ABC12')).toBe('ABC12*');
    expect(apiPlate('')).toBeNull();
  });

  it('filters the live log by plate prefix and merges stored rows once, newest first', () => {
    const feed = [
      ev('m3', 300, { kind: 'exit', lane: 'exit-1', plate: 'ABC123', stayS: 600 }),
      ev('m2', 200, { kind: 'review', lane: 'entry-1', plate: 'ABC123' }),
      ev('m1', 100, { kind: 'entry', lane: 'entry-1', plate: 'XYZ999' }),
    ];
    const live = liveLog(feed, 'campus', 'gw-1', 'ABC');
    expect(live.map((r) => r.id)).toEqual(['m3']); // reviews are not in/out rows
    const merged = mergeLog(live, [
      { ts: 300, kind: 'exit', msgId: 'm3', plate: 'ABC123' },
      { ts: 50, kind: 'entry', msgId: 'm0', plate: 'ABC123', lane: 'entry-1' },
      { ts: 60, kind: 'full', msgId: 'm9' },
    ]);
    expect(merged.map((r) => [r.id, r.kind, r.plate])).toEqual([
      ['m3', 'exit', 'ABC123'],
      ['m0', 'entry', 'ABC123'],
    ]);
  });

  it('places the plate box as percentages of the frame, clamped to it, none without a size', () => {
    expect(boxPercent([160, 240, 320, 48], [640, 480])).toEqual({ left: 25, top: 50, width: 50, height: 10 });
    const edge = boxPercent([600, 470, 100, 40], [640, 480])!;
    expect(edge.width).toBeCloseTo(6.25, 6); // cut at the frame's right edge
    expect(edge.height).toBeCloseTo(2.0833, 3); // and at its bottom
    expect(boxPercent([1, 2, 3, 4], undefined)).toBeNull();
    expect(boxPercent(null, [640, 480])).toBeNull();
  });
});
