/**
 * LPR benchmark: both engines of our reader (onnx: PP-OCRv4 detector + recogniser with
 * templates; tesseract: classical locator + tesseract.js) and raw tesseract.js on the whole
 * frame (the peer), on two independent generators — A (simulators/camera, the one the reader
 * was developed against) and B (simulators/camera-b, held out, never tuned on) — at 640×480
 * and 1920×1080, all in the same run.
 *
 *   npm run bench:lpr                                  # 300 + 300 frames 640×480, 40 + 40 at 1080p
 *   FRAMES=60 FRAMES_1080=8 PEER_FRAMES=20 npm run bench:lpr   # quick
 *
 * Each (reader, generator, resolution) runs in its own child process with ONE worker, frames
 * read one at a time, so ms is single-core service time and the peak RSS is that of an agent
 * process doing LPR at that resolution. The peer reads only the first PEER_FRAMES frames of
 * each set (whole-frame OCR is slow). The machine is shared: the load average is printed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorker, OEM, PSM } from 'tesseract.js';
import { defaultLangPath } from '../edge/lpr/ocr.ts';
import { createPlateReader } from '../edge/lpr/reader.ts';
import { normalisePlate } from '../core/plate.ts';
import { DEFAULT_TEMPLATES } from '../core/ports/plate-template.ts';
import { fitPattern } from '../edge/lpr/templates.ts';
import { framesB } from '../simulators/camera-b/index.ts';
import { datasetFrames } from '../simulators/camera/index.ts';
import { type BenchRow, startBenchRecord } from './report.ts';

const SEED = 20261123;
const SEED_B = 20261204;
const FRAMES = Number(process.env.FRAMES ?? 300);
const FRAMES_1080 = Number(process.env.FRAMES_1080 ?? 40);
const PEER_FRAMES = Number(process.env.PEER_FRAMES ?? 60);
const PEER_FRAMES_1080 = Number(process.env.PEER_FRAMES_1080 ?? 10);
const COMMAND = 'npm run bench:lpr';

type Kind = 'onnx' | 'tesseract' | 'raw';
const LABEL: Record<Kind, string> = {
  onnx: 'ours, onnx engine',
  tesseract: 'ours, tesseract engine',
  raw: 'raw tesseract.js (peer)',
};

interface Truth {
  file: string;
  /** Plates visible in the frame (nearest first); [] for a frame without one. */
  plates: string[];
  tags: string[];
}

interface Answer {
  file: string;
  plate: string | null;
  ms: number;
  error?: string;
}

interface ChildReport {
  answers: Answer[];
  maxRssMb: number;
  startMs: number;
  engine: string;
}

// ---------- child: one reader, one worker, frames one by one ----------

async function childMain(kind: Kind, listFile: string): Promise<void> {
  const files = JSON.parse(await readFile(listFile, 'utf8')) as string[];
  const t0 = performance.now();
  const read = kind === 'raw' ? await rawReader() : await oursReader(kind);
  const startMs = performance.now() - t0;
  const answers: Answer[] = [];
  for (const file of files) {
    const image = await readFile(file);
    const r = await read.read(image);
    answers.push({ file, plate: r.plate, ms: r.ms, ...(r.error ? { error: r.error } : {}) });
  }
  await read.close();
  const report: ChildReport = {
    answers,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startMs,
    engine: read.engine(),
  };
  process.stdout.write(JSON.stringify(report));
}

interface SimpleReader {
  read(image: Buffer): Promise<{ plate: string | null; ms: number; error?: string }>;
  engine(): string;
  close(): Promise<void>;
}

async function oursReader(engine: 'onnx' | 'tesseract'): Promise<SimpleReader> {
  const reader = createPlateReader({ workers: 1, timeoutMs: 30_000, engine });
  const err = await reader.ready();
  if (err) throw new Error(err.message);
  return {
    read: async (image) => {
      const r = await reader.read(image);
      return { plate: r.plate, ms: r.ms, ...(r.error ? { error: r.error.code } : {}) };
    },
    engine: () => reader.stats().engine ?? engine,
    close: () => reader.close(),
  };
}

/** The peer: tesseract.js as it comes (automatic page segmentation), then any line whose text is a plate. */
async function rawReader(): Promise<SimpleReader> {
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath: defaultLangPath(),
    gzip: true,
    cacheMethod: 'none',
    errorHandler: () => {},
  });
  await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: '300' });
  return {
    read: async (image) => {
      const t = performance.now();
      const { data } = await worker.recognize(image);
      const ms = performance.now() - t;
      for (const line of data.text.split('\n')) {
        const text = normalisePlate(line);
        if (!(/[A-Z]/.test(text) && /[0-9]/.test(text))) continue;
        for (const t of DEFAULT_TEMPLATES) {
          // Exact fit only: no positional correction in the peer.
          for (const p of t.patterns) if (fitPattern(text, p)?.corrections === 0) return { plate: text, ms };
        }
      }
      return { plate: null, ms };
    },
    engine: () => 'tesseract.js PSM auto',
    close: async () => {
      await worker.terminate();
    },
  };
}

// ---------- parent: datasets, children, figures ----------

async function writeA(dir: string, n: number, seed: number, width: number, height: number): Promise<Truth[]> {
  const truths: Truth[] = [];
  for await (const f of datasetFrames(n, seed, { width, height, degrade: 'realistic', noPlateRatio: 0.2 })) {
    const file = join(dir, `a-${width}-${String(f.index).padStart(4, '0')}.jpg`);
    await writeFile(file, f.image);
    const d = f.truth.degrade;
    const tags = [
      `design:${f.truth.plate ? (f.truth.style ?? 'plate') : 'none'}`,
      ...(d.blurSigma > 0 ? ['blur'] : []),
      ...(d.motionPx > 0 ? ['motion'] : []),
      ...(d.night > 0 ? ['night'] : []),
      ...(d.shadow > 0 ? ['shadow'] : []),
      ...(Math.abs(d.rotationDeg) > 5 ? ['rotation'] : []),
      ...(Math.abs(d.shear) > 0.1 ? ['perspective'] : []),
    ];
    truths.push({ file, plates: f.truth.plate ? [f.truth.plate] : [], tags });
  }
  return truths;
}

async function writeB(dir: string, n: number, seed: number, width: number, height: number): Promise<Truth[]> {
  const truths: Truth[] = [];
  for await (const f of framesB(n, seed, { width, height })) {
    const file = join(dir, `b-${width}-${String(f.index).padStart(4, '0')}.jpg`);
    await writeFile(file, f.image);
    const tags = [
      `design:${f.plates[0]?.design ?? 'none'}`,
      ...f.conditions.map((c) => (c === 'occlusion' ? 'occlusion' : c)),
      ...(f.plates.length > 1 ? ['two-vehicles'] : []),
    ];
    truths.push({ file, plates: f.plates.map((p) => p.plate), tags });
  }
  return truths;
}

function runChild(kind: Kind, listFile: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', kind, listFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${kind} child exited with ${code}`));
      resolve(JSON.parse(out) as ChildReport);
    });
  });
}

interface Figures {
  plates: number;
  exact: number;
  wrong: number;
  empty: number;
  falsePlates: number;
  errors: number;
  meanMs: number;
  p95Ms: number;
}

/** exact: the reported plate is one visible in the frame; wrong: a plate not in it; false: a plate on an empty frame. */
function figures(truths: Truth[], answers: Answer[]): Figures {
  const byFile = new Map(truths.map((t) => [t.file, t]));
  const f = { plates: 0, exact: 0, wrong: 0, empty: 0, falsePlates: 0, errors: 0 };
  for (const a of answers) {
    const t = byFile.get(a.file)!;
    if (a.error) f.errors++;
    if (t.plates.length > 0) {
      f.plates++;
      if (a.plate && t.plates.includes(a.plate)) f.exact++;
      else if (a.plate) f.wrong++;
    } else {
      f.empty++;
      if (a.plate) f.falsePlates++;
    }
  }
  const ms = answers.map((a) => a.ms).sort((x, y) => x - y);
  return {
    ...f,
    meanMs: ms.reduce((s, x) => s + x, 0) / Math.max(1, ms.length),
    p95Ms: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.95))] ?? 0,
  };
}

const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

interface Run {
  set: string;
  kind: Kind;
  truths: Truth[];
  report: ChildReport;
  f: Figures;
  loadAtEnd: string;
}

function printRow(r: Run): void {
  const { f } = r;
  console.log(
    `${r.set.padEnd(14)} ${LABEL[r.kind].padEnd(24)} ${`${f.exact}/${f.plates}`.padStart(8)} ${pct(f.exact, f.plates).padStart(6)} ` +
      `${pct(f.wrong, f.plates).padStart(6)} ${`${f.falsePlates}/${f.empty}`.padStart(6)} ${pct(f.falsePlates, f.empty).padStart(6)} ` +
      `${f.meanMs.toFixed(0).padStart(6)} ${f.p95Ms.toFixed(0).padStart(6)} ${r.report.maxRssMb.toFixed(0).padStart(6)} ` +
      `${r.report.startMs.toFixed(0).padStart(6)}  ${r.loadAtEnd}`,
  );
}

function printBreakdown(title: string, runs: Run[]): void {
  const tags = [...new Set(runs.flatMap((r) => r.truths.flatMap((t) => t.tags)))]
    .filter((t) => t !== 'design:none')
    .sort();
  console.log(`\n${title}: exact reads by condition and plate design (a frame can have several conditions)`);
  console.log(`  ${'tag'.padEnd(22)} ${runs.map((r) => `${r.set} ${r.kind}`.padStart(22)).join(' ')}`);
  for (const tag of tags) {
    const cells = runs.map((r) => {
      const byFile = new Map(r.report.answers.map((a) => [a.file, a]));
      const subset = r.truths.filter((t) => t.tags.includes(tag) && t.plates.length > 0);
      const ok = subset.filter((t) => {
        const p = byFile.get(t.file)?.plate;
        return p != null && t.plates.includes(p);
      }).length;
      return `${`${ok}/${subset.length}`.padStart(8)} ${pct(ok, subset.length).padStart(6)}`.padStart(22);
    });
    console.log(`  ${tag.padEnd(22)} ${cells.join(' ')}`);
  }
}

async function main(): Promise<void> {
  const record = startBenchRecord('lpr');
  const dir = await mkdtemp(join(tmpdir(), 'bench-lpr-'));
  console.log(`load average at start (1/5/15 min): ${load()} on ${availableParallelism()} cores`);
  try {
    const t0 = performance.now();
    const sets: [string, Truth[]][] = [
      ['A 640×480', await writeA(dir, FRAMES, SEED, 640, 480)],
      ['B 640×480', await writeB(dir, FRAMES, SEED_B, 640, 480)],
      ['A 1920×1080', await writeA(dir, FRAMES_1080, SEED + 1, 1920, 1080)],
      ['B 1920×1080', await writeB(dir, FRAMES_1080, SEED_B + 1, 1920, 1080)],
    ];
    console.log(
      `datasets: ${sets.map(([n, t]) => `${n} ${t.length}`).join(', ')} frames; A seeds ${SEED}/${SEED + 1} ('realistic', 20% empty), ` +
        `B seeds ${SEED_B}/${SEED_B + 1} (15% empty); rendered in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    console.log(
      `\n${'set'.padEnd(14)} ${'reader (1 worker)'.padEnd(24)} ${'exact'.padStart(8)} ${'exact%'.padStart(6)} ${'wrong%'.padStart(6)} ` +
        `${'false'.padStart(6)} ${'false%'.padStart(6)} ${'meanms'.padStart(6)} ${'p95ms'.padStart(6)} ${'RSS MB'.padStart(6)} ${'startms'.padStart(6)}  load avg`,
    );
    const runs: Run[] = [];
    for (const [set, truths] of sets) {
      const big = set.includes('1080');
      for (const kind of ['onnx', 'tesseract', 'raw'] as Kind[]) {
        const subset = kind === 'raw' ? truths.slice(0, big ? PEER_FRAMES_1080 : PEER_FRAMES) : truths;
        if (subset.length === 0) continue;
        const list = join(dir, `${kind}-${set.replace(/\W+/g, '_')}.json`);
        await writeFile(list, JSON.stringify(subset.map((t) => t.file)));
        const report = await runChild(kind, list);
        const run: Run = {
          set,
          kind,
          truths: subset,
          report,
          f: figures(subset, report.answers),
          loadAtEnd: load(),
        };
        runs.push(run);
        printRow(run);
      }
    }
    const at = (set: string, kind: Kind) => runs.filter((r) => r.set === set && r.kind === kind);
    printBreakdown('640×480', [
      ...at('A 640×480', 'onnx'),
      ...at('A 640×480', 'tesseract'),
      ...at('B 640×480', 'onnx'),
      ...at('B 640×480', 'tesseract'),
    ]);
    console.log(`\nload average at end (1/5/15 min): ${load()} on ${availableParallelism()} cores`);
    console.log(
      '\ntargets: exact ≥97% at 640×480 and ≥95% at 1080p on EACH generator, false ≤1%, wrong ≤2%, p95 ≤150 ms per ' +
        '640×480 frame with one worker, RSS ≤250 MB at 1080p. exact = the plate reported is one in the frame; wrong = ' +
        'a plate not in the frame; false = a plate on a frame without one; ms = service time; RSS = peak of the reader process.',
    );
    record.save(rows(runs), [
      `load average at end ${load()} on ${availableParallelism()} cores (shared machine: timings carry other jobs)`,
      'generator B (simulators/camera-b) is held out: never used for tuning',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function rows(runs: Run[]): BenchRow[] {
  const out: BenchRow[] = [];
  const peerOf = (r: Run, metric: (f: Figures) => string): string =>
    runs
      .filter((p) => p.set === r.set && p.kind !== r.kind)
      .map((p) => `${LABEL[p.kind]} ${metric(p.f)}`)
      .join('; ');
  for (const r of runs.filter((x) => x.kind !== 'raw')) {
    const big = r.set.includes('1080');
    const exactTarget = big ? 0.95 : 0.97;
    const name = `LPR ${LABEL[r.kind]}, generator ${r.set}`;
    const exact = (f: Figures) => `${pct(f.exact, f.plates)} (${f.exact}/${f.plates})`;
    out.push({
      metric: `${name}: exact reads`,
      target: `≥ ${exactTarget * 100}%`,
      value: exact(r.f),
      peer: peerOf(r, exact),
      met: r.f.plates > 0 && r.f.exact / r.f.plates >= exactTarget,
      command: COMMAND,
    });
    const wrong = (f: Figures) => pct(f.wrong, f.plates);
    out.push({
      metric: `${name}: wrong plates`,
      target: '≤ 2%',
      value: wrong(r.f),
      peer: peerOf(r, wrong),
      met: r.f.wrong <= 0.02 * r.f.plates,
      command: COMMAND,
    });
    const fp = (f: Figures) => `${pct(f.falsePlates, f.empty)} (${f.falsePlates}/${f.empty})`;
    out.push({
      metric: `${name}: false plates`,
      target: '≤ 1%',
      value: fp(r.f),
      peer: peerOf(r, fp),
      met: r.f.falsePlates <= 0.01 * r.f.empty,
      command: COMMAND,
    });
    const p95 = (f: Figures) => `${f.p95Ms.toFixed(0)} ms`;
    out.push({
      metric: `${name}: p95 service time, 1 worker (load ${r.loadAtEnd})`,
      target: big ? '' : '≤ 150 ms',
      value: p95(r.f),
      peer: peerOf(r, p95),
      met: big ? null : r.f.p95Ms <= 150,
      command: COMMAND,
    });
    if (big)
      out.push({
        metric: `${name}: peak RSS`,
        target: '≤ 250 MB',
        value: `${r.report.maxRssMb.toFixed(0)} MB`,
        peer: runs
          .filter((p) => p.set === r.set && p.kind !== r.kind)
          .map((p) => `${LABEL[p.kind]} ${p.report.maxRssMb.toFixed(0)} MB`)
          .join('; '),
        met: r.report.maxRssMb <= 250,
        command: COMMAND,
      });
  }
  return out;
}

if (process.argv[2] === '--child') {
  await childMain(process.argv[3] as Kind, process.argv[4]!);
} else {
  await main();
}
