import { describe, expect, it } from 'vitest';
import { type DecisionInput, decide, isFullForVisitors, publicLimit } from './decision.ts';
import { indexRegistry } from './registry.ts';
import { MONDAY_10H, exampleLot, exampleRegistry } from './test-helpers.ts';

const lot = exampleLot(); // capacity 40, mixed, 6 reserved
const entry = lot.lanes.find((l) => l.direction === 'entry')!;
const exit = lot.lanes.find((l) => l.direction === 'exit')!;
const registry = indexRegistry(exampleRegistry());
const input = (plate: string | null, patch: Partial<DecisionInput> = {}): DecisionInput => ({
  lot,
  lane: entry,
  read: { plate, confidence: 0.95 },
  registry,
  occupied: 0,
  nowMs: MONDAY_10H,
  ...patch,
});

describe('gate decision', () => {
  it('opens for valid staff and disabled permits, and for visitors while there is room', () => {
    expect(decide(input('ABCD 123'))).toMatchObject({
      verdict: 'open',
      reason: 'registered',
      category: 'staff',
    });
    expect(decide(input('efgh567'))).toMatchObject({ verdict: 'open', category: 'disabled' });
    expect(decide(input('ZZZZ 999'))).toMatchObject({
      verdict: 'open',
      reason: 'public',
      category: 'unregistered',
    });
    expect(decide(input('GHJK 789'))).toMatchObject({ verdict: 'open', reason: 'registered-visitor' });
  });

  it('denies blocklisted vehicles with an alarm at entry, but lets them out at the exit', () => {
    expect(decide(input('JKLM 901'))).toEqual({
      verdict: 'deny',
      reason: 'blocklisted',
      plate: 'JKLM901',
      category: 'blocklisted',
      alarm: true,
    });
    expect(decide(input('JKLM 901', { lane: exit }))).toMatchObject({ verdict: 'open', alarm: true });
  });

  it('sends unreadable and low-confidence plates to review', () => {
    expect(decide(input(null)).verdict).toBe('review');
    expect(decide(input('??')).reason).toBe('unreadable');
    expect(decide(input('ABCD 123', { read: { plate: 'ABCD 123', confidence: 0.5 } })).reason).toBe(
      'low-confidence',
    );
  });

  it('FULL: visitors refused at the public limit, permits still served from the reserved pool', () => {
    expect(publicLimit(lot)).toBe(34);
    expect(isFullForVisitors(lot, 33)).toBe(false);
    expect(isFullForVisitors(lot, 34)).toBe(true);
    expect(decide(input('ZZZZ 999', { occupied: 33 }))).toMatchObject({ verdict: 'open', pool: 'public' });
    expect(decide(input('ZZZZ 999', { occupied: 34 }))).toMatchObject({
      verdict: 'deny',
      reason: 'lot-full',
    });
    expect(decide(input('GHJK 789', { occupied: 34 })).reason).toBe('lot-full'); // registered visitor: public pool
    expect(decide(input('ABCD 123', { occupied: 34 }))).toMatchObject({ verdict: 'open', pool: 'reserved' });
    expect(decide(input('EFGH 567', { occupied: 39 }))).toMatchObject({ verdict: 'open', pool: 'reserved' });
    expect(decide(input('ABCD 123', { occupied: 40 })).reason).toBe('lot-full');
  });

  it('registered-only policy refuses unknown and expired vehicles', () => {
    const strict = exampleLot((l) => {
      l.policy.mode = 'registered-only';
    });
    expect(decide(input('ZZZZ 999', { lot: strict })).reason).toBe('not-registered');
    expect(decide(input('DEFG 456', { lot: strict })).reason).toBe('registration-expired');
    expect(decide(input('HJKL 890', { lot: strict })).verdict).toBe('open');
  });

  it('a registration is valid only inside its from/until window', () => {
    const beforeFrom = Date.parse('2026-10-15T13:00:00Z');
    const strict = exampleLot((l) => {
      l.policy.mode = 'registered-only';
      l.openingHours = []; // 2026-12-20 is a Sunday
    });
    expect(decide(input('GHJK 789', { lot: strict, nowMs: beforeFrom })).reason).toBe('registration-expired');
    // validUntil is a date: valid through the end of that day.
    expect(
      decide(input('GHJK 789', { lot: strict, nowMs: Date.parse('2026-12-20T23:00:00Z') })).verdict,
    ).toBe('open');
    expect(
      decide(input('GHJK 789', { lot: strict, nowMs: Date.parse('2026-12-21T00:30:00Z') })).verdict,
    ).toBe('deny');
  });

  it('outside opening hours only staff and disabled permits enter', () => {
    const sunday = Date.parse('2026-11-22T13:00:00Z');
    const mondayNight = Date.parse('2026-11-24T02:30:00Z'); // 23:30 Monday in Asunción
    expect(decide(input('ZZZZ 999', { nowMs: sunday })).reason).toBe('closed-hours');
    expect(decide(input('ZZZZ 999', { nowMs: mondayNight })).reason).toBe('closed-hours');
    expect(decide(input('ABCD 123', { nowMs: sunday })).verdict).toBe('open');
    expect(decide(input('ZZZZ 999', { nowMs: sunday, lane: exit })).verdict).toBe('open');
  });
});
