import { describe, expect, it } from 'vitest';
import { parseIntersectionConfig } from '../config.ts';
import { exampleObject } from '../test-helpers.ts';
import type { CycleMeasures, PhaseCycleMeasures } from '../types.ts';
import { chooseLeftModes } from './left-mode.ts';

/** The T-junction: WB left 1 is protected-permissive against EB through 2 (advance loop eb-adv). */
function tee() {
  const r = parseIntersectionConfig(exampleObject('t-junction'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const phase = (maxOuts = 0): PhaseCycleMeasures => ({
  greenMs: 10_000,
  arrivalsOnGreen: 0,
  arrivalsOnRed: 0,
  greenOccupancy: 0,
  redOccupancy5s: 0,
  splitFailure: false,
  greenUtilisation: 0,
  gapOuts: 1,
  maxOuts,
  forceOffs: 0,
  redLightViolations: 0,
});

/** A 60 s cycle with `opposing` vehicles over the opposing through's loops and a pocket as given. */
function cycle(opposing: number, pocketOcc: number, pocketCount: number, leftMaxOut = 0): CycleMeasures {
  const config = tee();
  const left = config.phases.find((p) => p.leftTurnMode === 'protected-permissive')!;
  const opp = left.opposingThroughPhase!;
  const loops = config.detectors.filter(
    (d) => (d.kind === 'advance' || d.kind === 'count') && (d.extends.includes(opp) || d.calls.includes(opp)),
  );
  const pocket = config.detectors.filter((d) => d.kind === 'stopBar' && d.calls.includes(left.id));
  const detectors: CycleMeasures['detectors'] = {};
  for (const d of loops) detectors[d.id] = { count: opposing / loops.length, occupancy: 0.1 };
  for (const d of pocket) detectors[d.id] = { count: pocketCount, occupancy: pocketOcc };
  return {
    intersectionId: config.id,
    cycle: 1,
    startMs: 0,
    endMs: 60_000,
    phases: { [left.id]: phase(leftMaxOut), [opp]: phase() },
    detectors,
    maxOutRate: 0,
    preemptions: [],
  };
}

describe('left-turn mode per cycle', () => {
  const config = tee();
  const left = config.phases.find((p) => p.leftTurnMode === 'protected-permissive')!.id;
  const lanes = config.detectors.filter(
    (d) => (d.kind === 'advance' || d.kind === 'count') && d.extends.concat(d.calls).includes(2),
  ).length;

  it('runs a light left against light opposing flow permissive (its arrow skipped)', () => {
    // 3 opposing vehicles a minute = 180 veh/h; one left a minute, pocket mostly empty.
    expect(chooseLeftModes(config, cycle(3, 0.1, 1))[left]).toBe('permissive');
  });

  it('keeps the arrow when the pocket did not clear or the cross-product warrant is met', () => {
    expect(chooseLeftModes(config, cycle(3, 0.5, 1))[left]).toBe('protected-permissive');
    expect(chooseLeftModes(config, cycle(3, 0.1, 1, 1))[left]).toBe('protected-permissive');
    // 240 veh/h left × 240 veh/h opposing = 57,600 ≥ 50,000 (one opposing lane) or 90,000 (two).
    const heavyLeft = lanes >= 2 ? 8 : 4;
    expect(chooseLeftModes(config, cycle(4, 0.1, heavyLeft))[left]).toBe('protected-permissive');
  });

  it('drops the FYA when the opposing flow leaves no gaps (≥ 1,000 veh/h per lane)', () => {
    expect(chooseLeftModes(config, cycle(17 * lanes, 0.1, 1))[left]).toBe('protected');
  });
});
