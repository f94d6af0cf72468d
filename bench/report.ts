/**
 * The one shape benchmark figures take on their way into docs/BENCHMARKS.md. Every bench prints
 * its own human-readable output and, when `CITYEDGE_BENCH_OUT` names a folder, also calls
 * `recordBench` once with its rows; `npm run bench` collects those files into the report. A row
 * always carries the peer measured in the same run, so no figure stands alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export interface BenchRow {
  /** What is measured, e.g. "LPR exact reads, generator B, 640×480". */
  metric: string;
  /** The target as text, e.g. "≥ 97%"; '' when there is none. */
  target: string;
  /** Our figure as printed, with its unit, e.g. "96.4% (241/250)". */
  value: string;
  /** The peer's figure measured in the same run, e.g. "raw tesseract.js 11.8%"; '' when none. */
  peer: string;
  /** Whether the target is met; null when the row has no target. */
  met: boolean | null;
  /** The command that reproduces this row. */
  command: string;
}

export interface BenchRecord {
  bench: string;
  startedAt: string;
  finishedAt: string;
  /** 1-minute load average sampled at start and end (the machine is shared). */
  loadavg: [number, number];
  rows: BenchRow[];
  /** Free-text lines worth keeping in the report (conditions, caveats). */
  notes: string[];
}

/** Start a record at the beginning of a bench; call `save` with its rows at the end. */
export function startBenchRecord(bench: string) {
  const startedAt = new Date().toISOString();
  const load0 = loadavg()[0] ?? 0;
  return {
    save(rows: BenchRow[], notes: string[] = []): void {
      const dir = process.env.CITYEDGE_BENCH_OUT;
      if (!dir) return;
      const record: BenchRecord = {
        bench,
        startedAt,
        finishedAt: new Date().toISOString(),
        loadavg: [load0, loadavg()[0] ?? 0],
        rows,
        notes,
      };
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${bench}.json`), `${JSON.stringify(record, null, 2)}\n`);
    },
  };
}
