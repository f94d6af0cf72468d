import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createIntersectionController, parseIntersectionConfig } from '../../controllers/signals/index.ts';
import { timingLayoutFromConfig } from '../../controllers/signals/timing/from-config.ts';
import { websterPlan } from '../../controllers/signals/timing/webster.ts';
import { controllerPlant } from './adapters/controller.ts';
import { fixedTimePlant } from './adapters/fixed-time.ts';
import { layoutFromConfig } from './layout.ts';
import { flowRatiosFromDemand, runSimulation } from './run.ts';
import { evScenario, OFF_PEAK, PEAK } from './scenarios.ts';

function config(name: string) {
  const url = new URL(`../../controllers/signals/examples/${name}.yaml`, import.meta.url);
  const r = parseIntersectionConfig(readFileSync(url, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('microsim on the example intersections', () => {
  const cfg = config('four-leg-protected');
  const layout = layoutFromConfig(cfg);

  it('maps phases to lane groups, signal groups and detectors', () => {
    const eb = layout.laneGroups.find((g) => g.phase === 2)!;
    expect(eb).toMatchObject({
      approach: 'eastbound',
      signalGroup: 'EB-through',
      turns: ['through', 'right'],
    });
    const ids = eb.lanes.flatMap((l) => l.detectors.map((d) => `${d.id}:${d.role}`));
    expect(ids).toEqual(['eb-adv:advance', 'eb-count:count']);
    // EV check-out loops are not fired by ordinary traffic.
    expect(
      layout.laneGroups.flatMap((g) => g.lanes.flatMap((l) => l.detectors.map((d) => d.id))),
    ).not.toContain('eb-checkout');
    expect(layout.laneGroups.find((g) => g.phase === 5)!.turns).toEqual(['left']);
  });

  it('Webster fixed-time serves every vehicle of a peak hour', () => {
    const tl = timingLayoutFromConfig(cfg);
    const w = websterPlan(tl, flowRatiosFromDemand(layout, PEAK.demand));
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    const r = runSimulation({ layout, demand: PEAK.demand, seed: 11, durationS: 3600 }, (clock) =>
      fixedTimePlant(tl, w.value.plan, clock),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.counts.inSystem).toBe(0);
    expect(r.value.counts.departed).toBe(r.value.counts.generated);
    expect(r.value.records.meanDelayS).toBeGreaterThan(5);
  });

  it('drives the real controller for an hour: every vehicle and EV served, no input rejected', () => {
    const sc = evScenario(OFF_PEAK, ['eastbound', 'northbound'], 3600);
    let rejected: Record<string, number> = {};
    const r = runSimulation(
      { layout, demand: sc.demand, seed: 5, durationS: 3600, emergencies: sc.emergencies ?? [] },
      (clock) => {
        const p = controllerPlant(createIntersectionController(cfg, { clock }));
        return {
          ...p,
          stop: () => {
            rejected = p.rejected();
            p.stop();
          },
        };
      },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.counts.inSystem).toBe(0);
    expect(r.value.counts.departed).toBe(r.value.counts.generated);
    expect(r.value.records.evDelays).toHaveLength(4);
    expect(rejected).toEqual({});
  });
});
