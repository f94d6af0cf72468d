import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverScenarios, failures, formatTable, runScenario } from './registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'scen-'));
const scen = (name: string, body: string) =>
  writeFileSync(
    join(dir, `${name}.ts`),
    `export const scenario = { name: '${name}', what: 'x', ci: true, async run() { ${body} } };\n`,
  );

describe('resilience registry', () => {
  it('fails a scenario that loses, duplicates, breaches or throws, and passes a clean one', async () => {
    scen('clean', 'return { sent: 5, acknowledged: 5, stored: 5, lost: 0, duplicated: 0, notes: [] };');
    scen('lossy', 'return { sent: 5, acknowledged: 5, stored: 4, lost: 1, duplicated: 0, notes: [] };');
    scen(
      'breach',
      'return { sent: 5, acknowledged: 5, stored: 5, lost: 0, duplicated: 0, refused: 3, breached: 1, notes: [] };',
    );
    scen('boom', "throw new Error('kaput');");
    scen(
      'stuck',
      "return { sent: 5, acknowledged: 5, stored: 5, lost: 0, duplicated: 0, stalls: ['no PUBACK while down'], notes: [] };",
    );
    const found = await discoverScenarios(dir);
    expect(found.map((f) => f.scenario.name)).toEqual(['boom', 'breach', 'clean', 'lossy', 'stuck']);
    const outs = await Promise.all(found.map((f) => runScenario(f, true)));
    const verdicts = Object.fromEntries(outs.map((o) => [o.file, failures(o)]));
    expect(verdicts['clean.ts']).toEqual([]);
    expect(verdicts['lossy.ts']).toEqual(['lost 1']);
    expect(verdicts['breach.ts']).toEqual(['breached 1']);
    expect(verdicts['boom.ts']?.[0]).toMatch(/threw: .*kaput/);
    expect(verdicts['stuck.ts']).toEqual(['stalled: no PUBACK while down']);
    const table = formatTable(outs);
    expect(table.split('\n')).toHaveLength(6);
    expect(table).toMatch(/clean .* ok/);
  });

  it('refuses a scenario file without a `scenario` export', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'scen-bad-'));
    writeFileSync(join(bad, 'nothing.ts'), 'export const x = 1;\n');
    await expect(discoverScenarios(bad)).rejects.toThrow(/E_SCENARIO_SHAPE/);
  });
});
