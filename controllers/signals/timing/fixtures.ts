import type { PhaseTiming, TimingLayout } from './types.ts';

/** Standard NEMA dual-ring eight-phase layout (protected lefts 1,3,5,7; throughs 2,4,6,8). */
export function nemaEightPhase(overrides: Partial<PhaseTiming> = {}): TimingLayout {
  const phase = (id: number, group: string, left: boolean): PhaseTiming => ({
    id,
    signalGroup: group,
    minGreenS: left ? 5 : 10,
    maxGreenS: left ? 25 : 50,
    yellowS: left ? 3 : 4,
    allRedS: left ? 1 : 2,
    arrow: left,
    ...overrides,
  });
  return {
    phases: [
      phase(1, 'SBL', true),
      phase(2, 'NBT', false),
      phase(3, 'WBL', true),
      phase(4, 'EBT', false),
      phase(5, 'NBL', true),
      phase(6, 'SBT', false),
      phase(7, 'EBL', true),
      phase(8, 'WBT', false),
    ],
    rings: [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ],
    barriers: [
      [1, 2, 5, 6],
      [3, 4, 7, 8],
    ],
  };
}

/** Two-phase layout (throughs only) used for the Webster worked example. */
export function twoPhase(): TimingLayout {
  const phase = (id: number, group: string): PhaseTiming => ({
    id,
    signalGroup: group,
    minGreenS: 8,
    maxGreenS: 60,
    yellowS: 3,
    allRedS: 2,
  });
  return {
    phases: [phase(2, 'NS'), phase(4, 'EW'), phase(6, 'SN'), phase(8, 'WE')],
    rings: [
      [2, 4],
      [6, 8],
    ],
    barriers: [
      [2, 6],
      [4, 8],
    ],
  };
}
