/**
 * `cityedge signals check FILE [--json] [--net NET.xml] [--additional DET.xml…]`: validates the
 * controller config and, when present, its `sumo:` section (against the SUMO network with --net).
 * Exit code 1 with one `path: message` line per problem.
 */
import type { Command } from 'commander';
import { checkFile } from '../controllers/signals/cli.ts';
import { checkSumoSection } from '../simulators/sumo/check-file.ts';

export interface SignalsCheckFlags {
  readonly json?: boolean;
  readonly net?: string;
  readonly additional?: readonly string[];
}

export async function signalsCheck(file: string, f: SignalsCheckFlags) {
  const base = await checkFile(file, f.json === true);
  if (base.exitCode !== 0) return base;
  const sumo = await checkSumoSection(file, {
    ...(f.net ? { net: f.net } : {}),
    ...(f.additional ? { additional: f.additional } : {}),
  });
  if (!sumo.present) return base;
  if (sumo.issues.length) {
    const stderr = f.json
      ? `${JSON.stringify({ ok: false, error: { code: sumo.code, issues: sumo.issues } }, null, 2)}\n`
      : `${file}: ${sumo.code}\n${sumo.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}\n`;
    return { exitCode: 1, stdout: '', stderr };
  }
  const stdout = f.json ? base.stdout : `${base.stdout}${sumo.summary ?? ''}\n`;
  return { exitCode: 0, stdout, stderr: '' };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  const signals = program.command('signals').description('Signal controller tools');
  signals
    .command('check <file>')
    .description(
      'validate an intersection config (YAML/JSON), its sumo: section included, and print the derived plan',
    )
    .option('--json', 'print the derived plan (or the errors) as JSON')
    .option('--net <net.xml>', 'check the sumo: section against this SUMO network (offline)')
    .option('--additional <det.xml>', 'SUMO additional file declaring the detectors (repeatable)', collect)
    .action(async (file: string, opts: SignalsCheckFlags) => {
      const r = await signalsCheck(file, opts);
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
