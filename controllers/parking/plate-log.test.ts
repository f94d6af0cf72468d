import { describe, expect, it } from 'vitest';
import { InOutLog } from './log.ts';
import { matchPlate, oneEdit } from './plate.ts';

describe('plate matching', () => {
  it('accepts one edit and rejects two', () => {
    expect(oneEdit('ABCD123', 'ABCD128')).toEqual({ kind: 'substitution', from: '3', to: '8' });
    expect(oneEdit('ABCD123', 'ABD123')).toEqual({ kind: 'indel' });
    expect(oneEdit('ABCD123', 'ABCE128')).toBeNull();
  });

  it('prefers an OCR confusion (Z↔2) over another substitution, and flags true ties', () => {
    // Read "ABZD123": one edit from both ABCD123 (Z≠C) and AB2D123 (Z↔2, a known confusion).
    expect(matchPlate('ABZD123', ['ABCD123', 'AB2D123'])).toEqual({ kind: 'fuzzy', plate: 'AB2D123' });
    expect(matchPlate('ABCD12S', ['ABCD125', 'ABCD127'])).toEqual({ kind: 'fuzzy', plate: 'ABCD125' }); // S↔5
    // Two plausible substitutions, neither a confusion: ambiguous.
    expect(matchPlate('ABCD12X', ['ABCD125', 'ABCD127'])).toEqual({
      kind: 'ambiguous',
      options: ['ABCD125', 'ABCD127'],
    });
    expect(matchPlate('QQQQ999', ['ABCD123'])).toEqual({ kind: 'none' });
  });
});

describe('in/out log', () => {
  const base = { laneId: 'entry-1', decision: 'public', confidence: 0.9, frameRef: 'f' };

  it('closes a stay with its duration even when one OCR character is wrong at exit', () => {
    const log = new InOutLog();
    log.entry({ ...base, plate: 'GHJK789', at: 1_000 });
    log.entry({ ...base, plate: 'ABCD123', at: 2_000 });
    const exit = log.exit({ ...base, laneId: 'exit-1', decision: 'exit', plate: 'GHJK7B9', at: 3_600_000 });
    expect(exit).toMatchObject({ match: 'fuzzy', matchedPlate: 'GHJK789', stayMs: 3_599_000, flags: [] });
    expect(log.openStays().map((e) => e.plate)).toEqual(['ABCD123']);
  });

  it('flags an ambiguous exit and keeps both stays open', () => {
    const log = new InOutLog();
    log.entry({ ...base, plate: 'ABCD125', at: 0 });
    log.entry({ ...base, plate: 'ABCD127', at: 0 });
    const exit = log.exit({ ...base, plate: 'ABCD12X', at: 10 });
    expect(exit.match).toBe('ambiguous');
    expect(exit.flags).toContain('ambiguous-match');
    expect(exit.stayMs).toBeUndefined();
    expect(log.openStays()).toHaveLength(2);
  });

  it('records unmatched and unread exits as departures with flags', () => {
    const log = new InOutLog();
    expect(log.exit({ ...base, plate: 'ZZZZ999', at: 5 }).flags).toEqual(['unmatched-exit']);
    expect(log.exit({ ...base, plate: null, at: 6 }).flags).toEqual(['unread-plate']);
    expect(log.all()).toHaveLength(2);
  });

  it('an exact match wins over a closer-looking fuzzy candidate', () => {
    const log = new InOutLog();
    log.entry({ ...base, plate: 'ABCD123', at: 0 });
    log.entry({ ...base, plate: 'ABCD128', at: 100 });
    expect(log.exit({ ...base, plate: 'ABCD128', at: 200 })).toMatchObject({ match: 'exact', stayMs: 100 });
  });
});
