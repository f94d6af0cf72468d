import { describe, expect, it } from 'vitest';
import { buildMessage, decodeMessage } from '../../core/contract/index.ts';
import { cycleMessage, eventMessage, lotMessage } from '../fixtures.ts';
import { fnv1a, pointTime, toPoints } from './points.ts';

const decode = (m: { topic: string; payload: string }) => {
  const r = decodeMessage(m.topic, m.payload);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('points', () => {
  it('puts the id-derived offset below the millisecond so a replay lands on the same timestamp', () => {
    const a = pointTime(1_700_000_000_123, 'msg-aaaaaaaa');
    expect(a).toBe(pointTime(1_700_000_000_123, 'msg-aaaaaaaa'));
    expect(a).not.toBe(pointTime(1_700_000_000_123, 'msg-bbbbbbbb'));
    expect(BigInt(a) / 1_000_000n).toBe(1_700_000_000_123n);
    expect(BigInt(a) % 1_000_000n).toBe(BigInt(fnv1a('msg-aaaaaaaa') % 999_000));
    expect(pointTime(5, 'x', 999, 999_000 - 1)).toBe('5999998'); // index never spills into the next ms
  });

  it('maps a lot message to lot_occupancy with site and lot tags only', () => {
    const [p, ...rest] = toPoints(
      decode(lotMessage('campus', 'north', 1_700_000_000_000, 30, 'id-12345678')),
    );
    expect(rest).toEqual([]);
    expect(p?.measurement).toBe('lot_occupancy');
    expect(p?.tags).toEqual({ site: 'campus', lot: 'north' });
    expect(p?.fields).toMatchObject({ total: 200, occupied: 30, available: 170, full: false });
  });

  it('maps push-button presses to ped_presses, tagged by crossing, at the period end', () => {
    const data = { periodStart: 1_700_000_000_000 - 900_000, periodS: 900, presses: 7, calls: 3 };
    const m = buildMessage('pedPresses', { site: 'campus', device: 'gw-1', crossing: 'main-st' }, data, {
      ts: 1_700_000_000_000,
    });
    const [p, ...rest] = toPoints(decode(m));
    expect(rest).toEqual([]);
    expect(p?.measurement).toBe('ped_presses');
    expect(p?.tags).toEqual({ site: 'campus', device: 'gw-1', crossing: 'main-st' });
    expect(p?.fields).toEqual({ presses: 7, calls: 3, periodS: 900 });
    expect(BigInt(p?.timestamp as string) / 1_000_000n).toBe(1_700_000_000_000n);
  });

  it('never makes a plate or message id a tag', () => {
    const [p] = toPoints(decode(eventMessage('campus', 'north', 1_700_000_000_000, 'entry', 'AB12CD')));
    expect(p?.tags).toEqual({ site: 'campus', lot: 'north', kind: 'entry' });
    expect(p?.fields?.plate).toBe('AB12CD');
    expect(typeof p?.fields?.msgId).toBe('string');
  });

  it('gives each phase of one cycle message its own point and distinct timestamps', () => {
    const points = toPoints(decode(cycleMessage('city', 'ctl-1', 'main-1st', 1_700_000_000_000, 3)));
    expect(points.map((p) => p.tags?.phase)).toEqual(['2', '6']);
    expect(new Set(points.map((p) => p.timestamp)).size).toBe(2);
  });
});
