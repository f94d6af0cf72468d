import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport } from '../report.ts';
import { formatTable } from '../report-format.ts';
const rows = await runReport({
  durationS: Number(process.argv[2] ?? 1800),
  seeds: Number(process.argv[3] ?? 1),
  only: process.argv[4]?.split(','),
});
console.log(formatTable(rows));
