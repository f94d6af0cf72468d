import { describe, expect, it } from 'vitest';
import { headsToState, sumoChar } from './signal-state.ts';

const groups = { 'EB-through': [12, 13, 14], 'EB-left': [15], 'SB-through': [0, 1, 2] };

describe('headsToState', () => {
  it('writes each head to its link indices', () => {
    const s = headsToState(
      { 'EB-through': 'green', 'EB-left': 'flashingYellowArrow', 'SB-through': 'red' },
      groups,
      16,
    );
    expect(s).toBe('rrrrrrrrrrrrGGGg');
  });

  it('maps yellow and protected arrows', () => {
    expect(headsToState({ 'EB-through': 'yellow', 'EB-left': 'greenArrow' }, groups, 16).slice(12)).toBe(
      'yyyG',
    );
  });

  it('keeps unmapped links and unknown or dark heads red (fail safe)', () => {
    const s = headsToState({ 'EB-through': 'dark', 'SB-through': 'flashingRed', Other: 'green' }, groups, 18);
    expect(s).toBe('r'.repeat(18));
  });

  it('ignores link indices beyond the TLS instead of growing the string', () => {
    expect(headsToState({ 'EB-through': 'green' }, { 'EB-through': [1, 40] }, 3)).toBe('rGr');
  });

  it('has one character per head state class', () => {
    expect(
      ['green', 'greenArrow', 'flashingYellowArrow', 'yellow', 'red', 'walk'].map(sumoChar).join(''),
    ).toBe('GGgyrr');
  });
});
