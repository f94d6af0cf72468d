/** `cityedge lpr [--json] FILE...`: read plates from image files. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createPlateReader } from './reader.ts';
import { ENGINES, type EngineName } from './engines.ts';
import { TEMPLATES } from '../../core/ports/plate-template.ts';

/** The sites' own formats first, then `generic` so a foreign plate is still read. */
export const DEFAULT_TEMPLATE_NAMES = 'mercosur,legacy,generic';
import type { Box } from '../../core/ports/camera.ts';
import type { PlateTemplate } from '../../core/ports/plate-template.ts';
import type { LprError } from './types.ts';

export interface CliLine {
  file: string;
  plate: string | null;
  confidence: number;
  box: Box | null;
  /** Service time of this frame. */
  ms: number;
  /** Wait in the reader's queue before a worker took it. */
  queueMs: number;
  engine?: EngineName;
  error?: LprError | { code: 'LPR_READ_FAILED'; message: string };
}

interface LprCliOptions {
  json?: boolean;
  workers?: string;
  templates: string;
  timeout: string;
  engine: string;
}

export function register(program: Command): void {
  program
    .command('lpr')
    .description('read licence plates from JPEG/PNG files')
    .argument('<files...>', 'image files')
    .option('--json', 'one JSON object per line per image')
    .option('--workers <n>', 'OCR workers (default: cores)')
    .option(
      '--templates <names>',
      `plate formats, comma-separated: ${Object.keys(TEMPLATES).join(', ')}`,
      DEFAULT_TEMPLATE_NAMES,
    )
    .option('--engine <name>', `recognition engine: ${ENGINES.join(' or ')}`, 'onnx')
    .option('--timeout <ms>', 'per-image time limit', '10000')
    .action(async (files: string[], opts: LprCliOptions) => {
      process.exitCode = await runLpr(files, opts, (line) => process.stdout.write(`${line}\n`));
    });
}

function parseTemplates(names: string): PlateTemplate[] {
  return names.split(',').map((n) => {
    const t = (TEMPLATES as Record<string, PlateTemplate>)[n.trim()];
    if (!t) throw new Error(`unknown template '${n}' (known: ${Object.keys(TEMPLATES).join(', ')})`);
    return t;
  });
}

/** Returns the exit code: 1 if any file failed. Lines come out in argument order. */
export async function runLpr(
  files: string[],
  opts: LprCliOptions,
  print: (line: string) => void,
): Promise<number> {
  if (!(ENGINES as readonly string[]).includes(opts.engine))
    throw new Error(`unknown engine '${opts.engine}' (known: ${ENGINES.join(', ')})`);
  const reader = createPlateReader({
    engine: opts.engine as EngineName,
    templates: parseTemplates(opts.templates),
    timeoutMs: Number(opts.timeout),
    queueLimit: Math.max(32, files.length),
    ...(opts.workers ? { workers: Number(opts.workers) } : {}),
  });
  if (!opts.json)
    print(
      `${'file'.padEnd(32)} ${'plate'.padEnd(10)} ${'conf'.padStart(5)} ${'ms'.padStart(6)}  box / error`,
    );
  let failures = 0;
  try {
    // All reads are queued at once; the reader's pool bounds how many run.
    const pending = files.map((file) => readOne(reader, file));
    for (const p of pending) {
      const line = await p;
      if (line.error) failures++;
      print(opts.json ? JSON.stringify(line) : tableRow(line));
    }
  } finally {
    await reader.close();
  }
  return failures > 0 ? 1 : 0;
}

async function readOne(reader: ReturnType<typeof createPlateReader>, file: string): Promise<CliLine> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      file,
      plate: null,
      confidence: 0,
      box: null,
      ms: 0,
      queueMs: 0,
      error: { code: 'LPR_READ_FAILED', message },
    };
  }
  const r = await reader.read(bytes);
  const line: CliLine = {
    file,
    plate: r.plate,
    confidence: round(r.confidence, 3),
    box: r.box,
    ms: round(r.ms, 1),
    queueMs: round(r.queueMs ?? 0, 1),
  };
  if (r.engine) line.engine = r.engine;
  if (r.error) line.error = r.error;
  return line;
}

function tableRow(l: CliLine): string {
  const tail = l.error ? `${l.error.code}: ${l.error.message}` : l.box ? l.box.join(',') : '-';
  return `${l.file.slice(-32).padEnd(32)} ${(l.plate ?? '-').padEnd(10)} ${l.confidence.toFixed(2).padStart(5)} ${l.ms.toFixed(0).padStart(6)}  ${tail}`;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
