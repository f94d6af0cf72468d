import { describe, expect, it } from 'vitest';
import { checkPlan } from '../core/contract/plan.ts';
import { CORRIDOR, cityPlan, LOTS } from './demo-city.ts';

describe('demo city plan', () => {
  it('passes the plan contract as written to city.json, every demo site on it', () => {
    const r = checkPlan(JSON.parse(JSON.stringify(cityPlan())));
    expect(r.ok && r.value.sites.map((s) => s.key).sort()).toEqual(
      [
        ...CORRIDOR.map((x) => `${x.site}/${x.device}/${x.id}`),
        ...LOTS.map((l) => `${l.site}/${l.device}`),
      ].sort(),
    );
  });
});
