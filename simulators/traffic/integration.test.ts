import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createIntersectionController, parseIntersectionConfig } from '../../controllers/signals/index.ts';
import { timingLayoutFromConfig } from '../../controllers/signals/timing/from-config.ts';
import { createAdaptiveTiming, type RetimeDecision } from '../../controllers/signals/timing/adaptive.ts';
import { websterPlan } from '../../controllers/signals/timing/webster.ts';
import { controllerPlant } from './adapters/controller.ts';
import { fixedTimePlant } from './adapters/fixed-time.ts';
import { layoutFromConfig } from './layout.ts';
import { flowRatiosFromDemand, runSimulation } from './run.ts';
import { evScenario, OFF_PEAK, PEAK, UNBALANCED } from './scenarios.ts';

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

describe('retiming the real controller from simulated detectors', () => {
  it('applies in-bounds plans that favour the heavier side street', () => {
    const cfg = config('four-leg-protected');
    const layout = layoutFromConfig(cfg);
    const decisions: RetimeDecision[] = [];
    const results: boolean[] = [];
    const r = runSimulation({ layout, demand: UNBALANCED.demand, seed: 2, durationS: 1800 }, (clock) => {
      const ctl = createIntersectionController(cfg, { clock });
      const adaptive = createAdaptiveTiming(cfg);
      ctl.onCycle((m) => {
        const d = adaptive.cycle(m.endMs, m.phases);
        if (!d) return;
        decisions.push(d);
        results.push(ctl.applyTiming(d.controllerPlan).ok);
      });
      const p = controllerPlant(ctl);
      return {
        ...p,
        detector: (id, on) => {
          adaptive.edge(id, on, clock.now());
          p.detector(id, on);
        },
      };
    });
    expect(r.ok).toBe(true);
    expect(decisions.length).toBeGreaterThan(3);
    expect(results.every(Boolean)).toBe(true);
    const last = decisions.at(-1)!;
    // Unbalanced demand: northbound ×1.3, southbound ×0.35 → phase 4 (NB) measured heavier than 8 (SB).
    expect(last.flowsPcePerHour.P4!).toBeGreaterThan(2 * last.flowsPcePerHour.P8!);
    expect(last.flowsPcePerHour.P2!).toBeGreaterThan(1.5 * last.flowsPcePerHour.P6!);
    // Green follows: eastbound (2) over westbound (6), northbound (4) over southbound (8).
    expect(last.plan.greensS[2]!).toBeGreaterThan(last.plan.greensS[6]! + 5);
    expect(last.plan.greensS[4]!).toBeGreaterThan(last.plan.greensS[8]! + 3);
    for (const p of cfg.phases.filter((q) => q.timed)) {
      const g = last.controllerPlan.maxGreenS![p.id]!;
      expect(g * 1000).toBeGreaterThanOrEqual(p.maxGreenBoundsMs[0]);
      expect(g * 1000).toBeLessThanOrEqual(p.maxGreenBoundsMs[1]);
    }
  });
});

describe('microsim on the other example layouts', () => {
  it('T-junction: the stem phase serves left and right; the FYA left is opposed by EB through', () => {
    const layout = layoutFromConfig(config('t-junction'));
    expect(layout.laneGroups.find((g) => g.phase === 4)!.turns).toEqual(['through', 'left', 'right']);
    const wbl = layout.laneGroups.find((g) => g.phase === 1)!;
    expect(wbl.opposing).toEqual(['P2']);
    expect(layout.crosswalks).toEqual([
      { id: 'X4', phase: 4, signalGroup: 'NB-stem-ped', buttonIds: ['nb-ped'] },
    ]);
  });

  it('permissive lefts and peds: Webster fixed-time serves every vehicle and pedestrian', () => {
    const cfg = config('four-leg-permissive-peds');
    const layout = layoutFromConfig(cfg);
    const tl = timingLayoutFromConfig(cfg);
    // FYA heads follow the opposing through; ped phases get walk + clearance as minimum green.
    expect(tl.fya).toContainEqual({ signalGroup: 'WB-left', opposingPhase: 2 });
    expect(tl.phases.find((p) => p.id === 2)!.minGreenS).toBe(20);
    const demand = {
      vehPerHour: { ...OFF_PEAK.demand.vehPerHour },
      pedsPerHour: Object.fromEntries(layout.crosswalks.map((c) => [c.id, 60])),
    };
    const w = websterPlan(tl, flowRatiosFromDemand(layout, demand));
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    const r = runSimulation({ layout, demand, seed: 3, durationS: 1800 }, (clock) =>
      fixedTimePlant(tl, w.value.plan, clock),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.counts.inSystem).toBe(0);
    expect(r.value.records.pedsServed).toBeGreaterThan(100);
    // Permissive lefts were served through gaps (they have no protected phase at all).
    expect(r.value.records.byMovement['eastbound.left']?.n).toBeGreaterThan(0);
  });
});
