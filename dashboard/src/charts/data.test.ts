import { describe, expect, it } from 'vitest';
import { align, RANGES, withUnit } from './data.ts';

describe('chart data', () => {
  it('merges series sampled at different times into one sorted x column with gaps', () => {
    const data = align([
      { ts: [30, 10], values: [3, 1] },
      { ts: [20, 30], values: [7, 8] },
    ]);
    expect(data).toEqual([
      [10, 20, 30],
      [1, null, 3],
      [null, 7, 8],
    ]);
  });

  it('gives an empty chart, not a crash, when there is no history', () => {
    expect(align([{ ts: [], values: [] }])).toEqual([[], []]);
  });

  it('formats values with their unit and a dash for no sample', () => {
    expect(withUnit(12.345, 's', 1)).toBe('12.3 s');
    expect(withUnit(40, '%')).toBe('40%');
    expect(withUnit(null, 's')).toBe('–');
  });

  it('offers ranges from 15 minutes to a day, longer ones from roll-ups', () => {
    expect(RANGES.map((r) => [r.label, r.interval])).toEqual([
      ['15 min', 'raw'],
      ['1 h', 'raw'],
      ['6 h', '1m'],
      ['24 h', '15m'],
    ]);
  });
});
