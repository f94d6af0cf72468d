import { describe, expect, it } from 'vitest';
import { mean, meanDelayFrom, parseTripinfo, percentile, summarize } from './metrics.ts';

// Shape of SUMO 1.15 tripinfo output (attributes trimmed to those read plus a few neighbours).
const XML = `<tripinfos>
    <tripinfo id="a" depart="1.00" departLane="W_in_0" departPos="5.10" duration="40.00" routeLength="600.0" waitingTime="10.00" waitingCount="1" stopTime="0.00" timeLoss="12.50" vType="car" speedFactor="1.0" vaporized=""/>
    <tripinfo id="b" depart="2.00" departLane="N1_J1_0" duration="30.00" waitingCount="0" timeLoss="2.50" vType="car"/>
    <tripinfo id="ev0" depart="3.00" departLane="W_J1_1" duration="50.00" waitingCount="2" timeLoss="4.00" vType="ev"/>
</tripinfos>`;

describe('tripinfo metrics', () => {
  it('parses id, type, duration, timeLoss, halts and the departure edge', () => {
    const trips = parseTripinfo(XML);
    expect(trips).toHaveLength(3);
    expect(trips[0]).toEqual({
      id: 'a',
      vType: 'car',
      departS: 1,
      durationS: 40,
      timeLossS: 12.5,
      halts: 1,
      routeLengthM: 600,
      departEdge: 'W_in',
    });
    expect(trips[1]?.departEdge).toBe('N1_J1');
  });

  it('summarizes general traffic and EVs separately', () => {
    const s = summarize(parseTripinfo(XML));
    expect(s).toEqual({
      vehicles: 2,
      meanDelayS: 7.5,
      p95DelayS: 12.5,
      haltsPerVehicle: 0.5,
      evCount: 1,
      evMeanTravelS: 50,
      evMeanDelayS: 4,
      evHaltsPerVehicle: 2,
      evMeanFreeFlowS: 46,
    });
  });

  it('averages delay by origin edge and uses nearest-rank percentiles', () => {
    expect(meanDelayFrom(parseTripinfo(XML), new Set(['N1_J1', 'W_J1']))).toBe(2.5); // EV excluded
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 95)).toBeNaN();
    expect(mean([])).toBeNaN();
  });
});
