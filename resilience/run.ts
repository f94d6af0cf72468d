/**
 * `npm run test:resilience [-- --quick] [-- --only a,b]`: runs every scenario in
 * resilience/scenarios/ in its full variant (the figures, e.g. a 60 s InfluxDB outage),
 * prints one row per scenario and each scenario's notes, and exits 1 when anything was lost,
 * duplicated or breached, or a scenario threw. `--json FILE` also writes the outcomes.
 */
import { writeFileSync } from 'node:fs';
import { discoverScenarios, failures, formatTable, type RunOutcome, runScenario } from './registry.ts';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const only = argValue('--only')
    ?.split(',')
    .map((s) => s.trim());
  const jsonOut = argValue('--json');
  let scenarios = await discoverScenarios();
  if (only)
    scenarios = scenarios.filter(
      (s) => only.includes(s.scenario.name) || only.includes(s.file.replace(/\.ts$/, '')),
    );
  if (scenarios.length === 0) {
    console.error('E_NO_SCENARIOS: nothing in resilience/scenarios/ matched');
    return 1;
  }
  const outcomes: RunOutcome[] = [];
  for (const s of scenarios) {
    console.log(`\n▶ ${s.scenario.name} — ${s.scenario.what}${quick ? ' (quick)' : ''}`);
    const o = await runScenario(s, quick, (line) => console.log(`  ${line}`));
    for (const n of o.result?.notes ?? []) console.log(`  · ${n}`);
    if (o.error) console.log(`  ✗ ${o.error}`);
    outcomes.push(o);
  }
  console.log(`\n${formatTable(outcomes)}`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(outcomes, null, 2)}\n`);
  const failed = outcomes.filter((o) => failures(o).length > 0);
  console.log(`\n${outcomes.length - failed.length}/${outcomes.length} scenarios passed`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
