/**
 * `npm run bench [-- --quick] [-- --only lpr,edge]`: runs every benchmark as its own child process
 * with `CITYEDGE_BENCH_OUT` set, samples the load average while each runs, collects the records
 * they save through bench/report.ts, and writes docs/BENCHMARKS.md, docs/benchmarks.json (the
 * records, so `--only` re-runs one bench and keeps the others) and the README table.
 * `--quick` uses each bench's short variant and marks its section "(quick)".
 * `--timeout-min N` (default 40) kills a bench that runs longer; its section says so.
 * Exit code 1 when a bench failed or saved no figures (targets not met do not fail the run: the
 * report says so instead).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BenchRecord,
  type BenchRun,
  type MachineInfo,
  readmeTable,
  renderBenchmarks,
  replaceReadmeTable,
} from './report.ts';

const root = resolve(import.meta.dirname, '..');

interface BenchDef {
  name: string;
  /** argv after `tsx`, or an npm script for benches the runner only knows from package.json. */
  file?: string;
  npmScript?: string;
  args?: string[];
  quickArgs?: string[];
  quickEnv?: Record<string, string>;
}

/** Short variants: same code paths and peers, fewer seeds, frames, samples and seconds. */
const KNOWN: BenchDef[] = [
  { name: 'signals', file: 'bench/signals.bench.ts', quickEnv: { SEEDS: '1' } },
  {
    name: 'lpr',
    file: 'bench/lpr.bench.ts',
    quickEnv: { FRAMES: '60', FRAMES_1080: '8', PEER_FRAMES: '20', PEER_FRAMES_1080: '4' },
  },
  { name: 'edge', file: 'bench/edge.bench.ts', quickEnv: { BENCH_SAMPLES: '200', BENCH_QUEUE_N: '5000' } },
  { name: 'broker', file: 'bench/broker.bench.ts', quickEnv: { BENCH_FANIN_S: '5' } },
  {
    name: 'city',
    file: 'bench/city.bench.ts',
    quickArgs: ['--intersections', '500', '--lots', '50', '--duration', '15'],
  },
  // Default 2 min with the dashboard open (after 2 min closed); the 10-minute memory verdict
  // needs `npm run bench:dashboard -- --minutes 10`.
  { name: 'dashboard', file: 'bench/dashboard.bench.ts', quickArgs: ['--minutes', '1'] },
];

/** Every `bench:*` script in package.json that the list above does not cover (e.g. bench:dashboard). */
function discovered(): BenchDef[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.keys(pkg.scripts)
    .filter((s) => s.startsWith('bench:'))
    .map((s) => s.slice('bench:'.length))
    .filter((name) => !KNOWN.some((k) => k.name === name))
    .map((name) => ({ name, npmScript: `bench:${name}` }));
}

function machine(): MachineInfo {
  let os = `Linux ${release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty}, kernel ${release()}`;
  } catch {
    // not Linux: the kernel release alone
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    ramGiB: totalmem() / 2 ** 30,
    os,
    node: process.version,
  };
}

function commandLine(
  def: BenchDef,
  quick: boolean,
): { argv: string[]; env: Record<string, string>; text: string } {
  const env = quick ? (def.quickEnv ?? {}) : {};
  const envText = Object.entries(env).map(([k, v]) => `${k}=${v} `);
  if (def.npmScript) return { argv: ['npm', 'run', def.npmScript], env, text: `npm run ${def.npmScript}` };
  const args = [...(def.args ?? []), ...(quick ? (def.quickArgs ?? []) : [])];
  return {
    argv: [join(root, 'node_modules/.bin/tsx'), def.file!, ...args],
    env,
    text: `${envText.join('')}npx tsx ${[def.file, ...args].join(' ')}`,
  };
}

let current: { pid: number } | undefined;

async function runOne(def: BenchDef, quick: boolean, timeoutMs: number): Promise<BenchRun> {
  const out = mkdtempSync(join(tmpdir(), `cityedge-bench-${def.name}-`));
  const cmd = commandLine(def, quick);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const loads: number[] = [loadavg()[0] ?? 0];
  const sampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 5_000);
  const tail: string[] = [];
  const child = spawn(cmd.argv[0]!, cmd.argv.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      ...cmd.env,
      CITYEDGE_BENCH_OUT: out,
      ...(quick ? { CITYEDGE_BENCH_QUICK: '1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a timeout or Ctrl-C also ends its servers
  });
  current = { pid: child.pid! };
  const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
    to.write(chunk);
    tail.push(...chunk.toString().split('\n'));
    tail.splice(0, Math.max(0, tail.length - 12));
  };
  child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
  child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid!);
  }, timeoutMs);
  const exitCode = await new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  clearTimeout(timer);
  clearInterval(sampler);
  current = undefined;
  loads.push(loadavg()[0] ?? 0);
  const records = readdirSync(out)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as BenchRecord);
  rmSync(out, { recursive: true, force: true });
  const lastLines = tail
    .filter((l) => l.trim() !== '')
    .slice(-4)
    .join(' / ');
  let error: string | undefined;
  if (timedOut) error = `killed after ${timeoutMs / 60_000} min (--timeout-min)`;
  else if (exitCode !== 0) error = `exit ${exitCode}: ${lastLines}`;
  else if (records.length === 0)
    error = `saved no record (does it call startBenchRecord().save?): ${lastLines}`;
  return {
    name: def.name,
    command: cmd.text,
    quick,
    startedAt,
    wallS: (performance.now() - t0) / 1000,
    exitCode,
    load: {
      min: Math.min(...loads),
      mean: loads.reduce((a, b) => a + b, 0) / loads.length,
      max: Math.max(...loads),
      samples: loads.length,
    },
    machine: machine(),
    records,
    ...(error ? { error } : {}),
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
    setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000).unref();
  } catch {
    // already gone
  }
}

/** Writes the report files from all runs kept so far (this run's replace earlier ones by name). */
function writeReport(runs: BenchRun[]): void {
  const jsonPath = join(root, 'docs/benchmarks.json');
  const previous: BenchRun[] = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { runs: BenchRun[] }).runs
    : [];
  const order = [...KNOWN, ...discovered()].map((d) => d.name);
  const merged = [...previous.filter((p) => !runs.some((r) => r.name === p.name)), ...runs].sort(
    (a, b) => order.indexOf(a.name) - order.indexOf(b.name),
  );
  writeFileSync(jsonPath, `${JSON.stringify({ runs: merged }, null, 2)}\n`);
  const md = renderBenchmarks(merged, machine());
  writeFileSync(join(root, 'docs/BENCHMARKS.md'), md);
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, replaceReadmeTable(readFileSync(readmePath, 'utf8'), readmeTable(md)));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'timeout-min': { type: 'string', default: '40' },
    },
  });
  const all = [...KNOWN, ...discovered()];
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !all.some((d) => d.name === n)) ?? [];
  if (unknown.length > 0) {
    console.error(
      `E_BENCH_UNKNOWN: no bench named ${unknown.join(', ')} (have ${all.map((d) => d.name).join(', ')})`,
    );
    return 2;
  }
  const defs = only ? all.filter((d) => only.includes(d.name)) : all;
  const runs: BenchRun[] = [];
  for (const def of defs) {
    console.log(`\n━━ bench ${def.name}${values.quick ? ' (quick)' : ''} — load ${loadavg()[0]?.toFixed(2)}`);
    const run = await runOne(def, values.quick!, Number(values['timeout-min']) * 60_000);
    runs.push(run);
    writeReport(runs); // after each bench, so an interrupted run keeps what it measured
    console.log(
      `━━ ${def.name}: ${run.records.flatMap((r) => r.rows).length} figures in ${run.wallS.toFixed(0)} s, ` +
        `load ${run.load.mean.toFixed(2)} mean${run.error ? ` — ${run.error}` : ''}`,
    );
  }
  console.log('\nwrote docs/BENCHMARKS.md, docs/benchmarks.json and the README table');
  return runs.some((r) => r.error) ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    if (current) killGroup(current.pid);
    process.exit(130);
  });

process.exitCode = await main();
