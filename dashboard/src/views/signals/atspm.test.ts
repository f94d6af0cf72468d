import { describe, expect, it } from 'vitest';
import { arrivalsOnGreen, type PhaseSeries, phaseTermination, splitMonitor } from './atspm.ts';

const base = { site: 'main', device: 'ctl-1', intersection: 'x1' };
const series: PhaseSeries[] = [
  {
    ...base,
    phase: '6',
    points: [
      { ts: 1000, greenS: 40, termination: 'maxOut', arrivalsOnGreen: 9, arrivalsOnRed: 1 },
      { ts: 2000, greenS: 22.5, termination: 'gapOut', arrivalsOnGreen: 0, arrivalsOnRed: 0 },
    ],
  },
  {
    ...base,
    phase: '2',
    points: [{ ts: 1000, greenS: 38, termination: 'gapOut', arrivalsOnGreen: 3, arrivalsOnRed: 1 }],
  },
  { ...base, phase: '4', points: [] },
];

describe('ATSPM chart data', () => {
  it('plots each phase end at its phase number in its termination series', () => {
    const { data, labels } = phaseTermination(series);
    const gap = labels.indexOf('gap out') + 1;
    const max = labels.indexOf('max out') + 1;
    // Φ2 and Φ6 ended in the same cycle (ts 1000): both points are kept, 1 ms apart.
    expect(data[0]).toEqual([1000, 1001, 2000]);
    expect(data[gap]).toEqual([2, null, 6]);
    expect(data[max]).toEqual([null, 6, null]);
  });

  it('gives the split monitor one series per phase in phase order, empty phases left out', () => {
    const { data, labels } = splitMonitor(series);
    expect(labels).toEqual(['Φ2', 'Φ6']);
    expect(data).toEqual([
      [1000, 2000],
      [38, null],
      [40, 22.5],
    ]);
  });

  it('computes arrivals on green as a percentage and skips cycles without arrivals', () => {
    const { data } = arrivalsOnGreen(series);
    expect(data[1]).toEqual([75, null]);
    expect(data[2]).toEqual([90, null]);
  });
});
