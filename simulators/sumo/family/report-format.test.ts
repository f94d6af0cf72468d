import { describe, expect, it } from 'vitest';
import type { TripSummary } from '../metrics.ts';
import type { SiteRow } from './report.ts';
import { formatSiteTables, siteTargets } from './report-format.ts';

const summary = (meanDelayS: number, evMeanDelayS = Number.NaN): TripSummary => ({
  vehicles: 100,
  meanDelayS,
  p95DelayS: meanDelayS * 2,
  haltsPerVehicle: 0.5,
  evCount: Number.isNaN(evMeanDelayS) ? 0 : 3,
  evMeanTravelS: 60,
  evMeanDelayS,
  evHaltsPerVehicle: 0,
  evMeanFreeFlowS: 50,
});
const row = (
  kind: SiteRow['kind'],
  mean: number,
  approaches: Record<string, number>,
  extra: Partial<SiteRow> = {},
): SiteRow => ({
  site: 'tee',
  heldOut: true,
  demand: 'peak',
  kind,
  summary: summary(mean),
  approaches,
  teleports: 0,
  collisions: 0,
  monitorFaults: kind.startsWith('cityedge') ? 0 : undefined,
  wallS: 1,
  ...extra,
});

describe('family report targets', () => {
  it('compares with the better adaptive program and each approach with the best SUMO program', () => {
    const rows = [
      row('sumo-static', 40, { EB: 30, WB: 50 }),
      row('sumo-actuated', 30, { EB: 35, WB: 25 }),
      row('sumo-delay_based', 32, { EB: 20, WB: 40 }),
      row('cityedge', 28, { EB: 31, WB: 24 }),
    ];
    const t = siteTargets(rows);
    expect(t[0]).toMatchObject({ met: true, value: 28 / 30, target: 0.95 });
    expect(t[1]).toMatchObject({ met: false, measured: 'worst EB: 31.0 s = 1.55× best SUMO' });
    expect(t[2]).toMatchObject({ met: true, value: 0 });
  });

  it('counts a teleport, a collision or a monitor fault of any CityEdge run as not met', () => {
    const rows = [row('sumo-actuated', 30, {}), row('cityedge', 20, {}, { collisions: 1 })];
    expect(siteTargets(rows).at(-1)).toMatchObject({ met: false, value: 1 });
    expect(formatSiteTables(rows)).toContain('| peak | cityedge | 100 | **20.0** |');
  });

  it('reports the EV delay up to the stop line beside the trip delay, as information', () => {
    const ev = (kind: SiteRow['kind'], trip: number, stop: number) =>
      row(kind, 20, {}, { demand: 'emergency', summary: summary(20, trip), evStopLineDelayS: stop });
    const t = siteTargets([
      row('sumo-actuated', 30, {}, { demand: 'emergency' }),
      ev('cityedge', 7, 2.5),
      ev('cityedge-no-priority', 25, 18),
    ]);
    expect(t.find((x) => x.name.startsWith('EV delay ≤'))).toMatchObject({ met: false, value: 7 });
    expect(t.find((x) => x.name.startsWith('EV delay up to'))).toMatchObject({
      met: undefined,
      measured: '2.5 s (no priority 18.0 s)',
    });
  });
});
