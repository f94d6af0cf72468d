/**
 * Finds every scenario in `resilience/scenarios/` (each file exports `scenario`), runs them one
 * after another and judges the counts. Shared by the CLI runner (`npm run test:resilience`) and
 * the CI test, so both apply the same rule: lost, duplicated and breached must be 0.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Scenario, ScenarioResult } from './scenario.ts';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

/** Every `*.ts` file in the scenarios folder, sorted; a file without `scenario` is an error. */
export async function discoverScenarios(dir = SCENARIO_DIR): Promise<LoadedScenario[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .sort();
  const out: LoadedScenario[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { scenario?: Scenario };
    if (!mod.scenario || typeof mod.scenario.run !== 'function') {
      throw new Error(`E_SCENARIO_SHAPE: ${file} does not export \`scenario: Scenario\``);
    }
    out.push({ file, scenario: mod.scenario });
  }
  return out;
}

export interface RunOutcome {
  file: string;
  result: ScenarioResult | null;
  /** Set when the scenario threw instead of returning counts. */
  error: string | null;
}

/** Runs one scenario, turning a throw into a failed outcome instead of stopping the suite. */
export async function runScenario(
  loaded: LoadedScenario,
  quick: boolean,
  log: (line: string) => void = () => {},
): Promise<RunOutcome> {
  const started = Date.now();
  try {
    const counts = await loaded.scenario.run({ quick, log });
    return {
      file: loaded.file,
      result: { ...counts, name: loaded.scenario.name, durationMs: Date.now() - started },
      error: null,
    };
  } catch (err) {
    return {
      file: loaded.file,
      result: null,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    };
  }
}

/** Why an outcome fails, or [] when it passes. */
export function failures(o: RunOutcome): string[] {
  if (o.error !== null || o.result === null) return [`threw: ${o.error?.split('\n')[0] ?? 'no result'}`];
  const r = o.result;
  const why: string[] = [];
  if (r.lost !== 0) why.push(`lost ${r.lost}`);
  if (r.duplicated !== 0) why.push(`duplicated ${r.duplicated}`);
  if ((r.breached ?? 0) !== 0) why.push(`breached ${r.breached}`);
  for (const s of r.stalls ?? []) why.push(`stalled: ${s}`);
  // The counts must add up, or "lost 0" means nothing.
  if (r.stored > r.sent) why.push(`stored ${r.stored} > sent ${r.sent}`);
  return why;
}

const HEAD = ['scenario', 'sent', 'acked', 'stored', 'lost', 'dup', 'refused', 'breached', 's', 'verdict'];

/** One text-table row per outcome, with a header; columns padded for a terminal. */
export function formatTable(outcomes: RunOutcome[]): string {
  const rows = outcomes.map((o) => {
    const r = o.result;
    const verdict = failures(o);
    if (!r)
      return [
        o.file.replace(/\.ts$/, ''),
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        `FAIL ${verdict.join(', ')}`,
      ];
    return [
      r.name,
      String(r.sent),
      String(r.acknowledged),
      String(r.stored),
      String(r.lost),
      String(r.duplicated),
      r.refused === undefined ? '-' : String(r.refused),
      r.breached === undefined ? '-' : String(r.breached),
      (r.durationMs / 1000).toFixed(1),
      verdict.length ? `FAIL ${verdict.join(', ')}` : 'ok',
    ];
  });
  const all = [HEAD, ...rows];
  const widths = HEAD.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((c, i) =>
          i === 0 || i === row.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}
