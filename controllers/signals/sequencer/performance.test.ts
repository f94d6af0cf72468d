/**
 * Regression tests for the defects found while benchmarking against fixed-time (docs/signals.md,
 * "Performance findings"). Each pins a timing rule on a hand-built context of the four-leg example.
 */
import { describe, expect, it } from 'vitest';
import { example } from '../test-helpers.ts';
import { initialContext, type SequencerContext } from './context.ts';
import { delays, guards } from './guards.ts';

const cfg = example('four-leg-protected');
const ctxWith = (over: Partial<SequencerContext>): SequencerContext => ({ ...initialContext(cfg), ...over });

describe('max green of a stage', () => {
  it('a phase whose ring moves on within the barrier ends at its own max, not its partner’s', () => {
    // NB left 7 starts with NB through 4 (3 not called); SB through 8 waits behind 7 in ring 2.
    const ctx = ctxWith({ green: [4, 7], started: [4, 7], calls: [8, 2] });
    expect(delays.maxGreen(ctx)).toBe(ctx.maxGreenMs[7]);
    expect(delays.maxGreen(ctx)).toBeLessThan(ctx.maxGreenMs[4] ?? 0);
  });

  it('a left paired with a through (dual entry) does not run to the through’s max', () => {
    const ctx = ctxWith({ green: [2, 5], started: [2, 5], calls: [6, 4] });
    expect(delays.maxGreen(ctx)).toBe(ctx.maxGreenMs[5]);
  });

  it('when the barrier is crossed next, the stage still times to its longest max', () => {
    const ctx = ctxWith({ green: [4, 8], started: [4, 8], calls: [2, 6] });
    expect(delays.maxGreen(ctx)).toBe(Math.max(ctx.maxGreenMs[4] ?? 0, ctx.maxGreenMs[8] ?? 0));
  });
});

describe('detector-fault recall', () => {
  it('a green phase on fault recall is held like a constant call (times to max), not cut at min', () => {
    const ctx = ctxWith({ green: [4, 8], started: [4, 8], faultRecall: [4] });
    expect(guards.greenOccupied(ctx)).toBe(true);
  });

  it('a fault on a red phase does not hold the green', () => {
    const ctx = ctxWith({ green: [2, 6], started: [2, 6], faultRecall: [4] });
    expect(guards.greenOccupied(ctx)).toBe(false);
  });
});
