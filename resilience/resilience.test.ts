/**
 * The CI subset of the resilience suite: every scenario marked `ci: true`, in its quick variant,
 * against real servers. The full variants run from `npm run test:resilience`.
 */
import { describe, expect, it } from 'vitest';
import { discoverScenarios, failures, formatTable, runScenario } from './registry.ts';

const scenarios = await discoverScenarios();

describe('resilience scenarios (quick variants)', () => {
  // discoverScenarios throws on a file without `scenario`; each file then gets its own test.
  it('every scenario file exports a scenario with a name', () => {
    for (const s of scenarios) expect(s.scenario.name.length).toBeGreaterThan(0);
  });

  for (const s of scenarios.filter((x) => x.scenario.ci)) {
    it(`${s.scenario.name}: nothing lost, duplicated or breached`, { timeout: 180_000 }, async () => {
      // RESILIENCE_LOG=1 prints each scenario's progress lines (where it hangs, if it does).
      const log = process.env.RESILIENCE_LOG ? (l: string) => console.log(`  ${l}`) : undefined;
      const o = await runScenario(s, true, log);
      console.log(formatTable([o]));
      for (const n of o.result?.notes ?? []) console.log(`  · ${n}`);
      expect(failures(o), o.error ?? '').toEqual([]);
      // A scenario that sent nothing proves nothing.
      expect(o.result?.sent ?? 0).toBeGreaterThan(0);
    });
  }
});
