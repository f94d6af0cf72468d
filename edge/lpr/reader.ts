/** createPlateReader: options checked once, a pool of OCR workers, per-read error values and stats. */
import { availableParallelism } from 'node:os';
import { fuseResults } from './fusion.ts';
import { decodeFrame } from './image.ts';
import {
  defaultFactories,
  type EngineFactories,
  type EngineName,
  engineStarter,
  type FrameEngine,
} from './engines.ts';
import type { OcrEngine } from './ocr.ts';
import type { ModelLoadError, ModelPaths, NeuralEngine } from './onnx.ts';
import { createPool } from './pool.ts';
import { DEFAULT_TEMPLATES, type PlateTemplate } from '../../core/ports/plate-template.ts';
import type {
  LprError,
  LprErrorCode,
  PlateReader,
  PlateReaderOptions,
  PlateReaderStats,
  PlateReadResult,
} from './types.ts';

export interface ResolvedOptions {
  workers: number;
  templates: PlateTemplate[];
  timeoutMs: number;
  queueLimit: number;
  maxBytes: number;
  maxPixels: number;
  startTimeoutMs: number;
  minConfidence: number;
  engine: EngineName;
}

/** Defaults and range checks in one place; a bad option is a programming error and throws. */
export function resolveOptions(o: PlateReaderOptions = {}): ResolvedOptions {
  const int = (name: string, v: number | undefined, def: number, min: number, max: number): number => {
    const x = v ?? def;
    if (!Number.isInteger(x) || x < min || x > max)
      throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${x}`);
    return x;
  };
  const templates = o.templates ?? DEFAULT_TEMPLATES;
  if (
    templates.length === 0 ||
    templates.some((t) => t.patterns.length === 0 || t.patterns.some((p) => !/^[A9*]{1,12}$/.test(p)))
  ) {
    throw new RangeError('templates need patterns made of A, 9 and * (1–12 characters)');
  }
  const minConfidence = o.minConfidence ?? 0.6;
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new RangeError('minConfidence must be in 0..1');
  return {
    workers: int('workers', o.workers, Math.max(1, availableParallelism()), 1, 64),
    templates,
    timeoutMs: int('timeoutMs', o.timeoutMs, 5000, 1, 600_000),
    queueLimit: int('queueLimit', o.queueLimit, 32, 0, 100_000),
    maxBytes: int('maxBytes', o.maxBytes, 20 * 1024 * 1024, 1, 2 ** 31 - 1),
    maxPixels: int('maxPixels', o.maxPixels, 4096 * 4096, 1, 2 ** 31 - 1),
    startTimeoutMs: int('startTimeoutMs', o.startTimeoutMs, 15_000, 1, 600_000),
    minConfidence,
    engine: resolveEngine(o.engine),
  };
}

function resolveEngine(e: string | undefined): EngineName {
  const name = e ?? 'onnx';
  if (name !== 'onnx' && name !== 'tesseract')
    throw new RangeError(`engine must be onnx or tesseract, got ${name}`);
  return name;
}

export interface PlateReaderInternals {
  /** Replaces the tesseract worker factory (tests use slow or failing fakes). */
  startEngine?: () => Promise<OcrEngine>;
  /** Replaces the ONNX model loader. */
  startNeural?: () => Promise<NeuralEngine>;
  /** Where the fallback is logged (once per reader); default stderr. */
  log?: (message: string) => void;
  modelPaths?: ModelPaths;
}

export function createPlateReader(
  options: PlateReaderOptions = {},
  internals: PlateReaderInternals = {},
): PlateReader & {
  /** Resolves once an OCR worker is ready (reads before that simply wait in the queue). */
  ready(): Promise<LprError | null>;
} {
  const o = resolveOptions(options);
  const errors: Partial<Record<LprErrorCode, number>> = {};
  const defaults = defaultFactories(o.startTimeoutMs, internals.modelPaths);
  const factories: EngineFactories = {
    tesseract: internals.startEngine ?? defaults.tesseract,
    onnx: internals.startNeural ?? defaults.onnx,
  };
  const log = internals.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const starter = engineStarter(o.engine, factories, (err: ModelLoadError) => {
    errors.LPR_MODEL_UNAVAILABLE = (errors.LPR_MODEL_UNAVAILABLE ?? 0) + 1;
    log(`lpr: ${err.code}: ${err.message}; reading with tesseract.js instead`);
  });
  const pool = createPool<FrameEngine>({
    size: o.workers,
    queueLimit: o.queueLimit,
    start: () => starter.start(),
    stop: (engine) => engine.terminate(),
  });
  const counts = { reads: 0, plates: 0, noPlate: 0, totalMs: 0 };
  let engineName: EngineName = o.engine;

  const failed = (code: LprErrorCode, message: string, ms: number): PlateReadResult => {
    errors[code] = (errors[code] ?? 0) + 1;
    return { plate: null, confidence: 0, box: null, candidates: [], ms, error: { code, message } };
  };

  return {
    async read(image) {
      const t0 = performance.now();
      let started = -1;
      counts.reads++;
      // Decoding happens inside the job so that a burst of frames is bounded by the queue too.
      const outcome = await pool.run(async (engine) => {
        started = performance.now();
        engineName = engine.name;
        const decoded = await decodeFrame(image, { maxBytes: o.maxBytes, maxPixels: o.maxPixels });
        if (!decoded.ok) return decoded.error;
        return engine.read(decoded.value, { templates: o.templates, minConfidence: o.minConfidence });
      }, o.timeoutMs);
      const end = performance.now();
      // Service time from the moment a worker took the frame; the wait before that is queueMs.
      const queueMs = (started < 0 ? end : started) - t0;
      const ms = started < 0 ? 0 : end - started;
      counts.totalMs += ms;
      if (!outcome.ok) return { ...failed(outcome.error.code, outcome.error.message, ms), queueMs };
      const r = outcome.value;
      if ('code' in r) return { ...failed(r.code, r.message, ms), queueMs, engine: engineName };
      if (r.plate) counts.plates++;
      else counts.noPlate++;
      return { ...r, ms, queueMs, engine: engineName };
    },
    fuse: fuseResults,
    stats(): PlateReaderStats {
      const p = pool.stats();
      return {
        workers: p.size,
        busy: p.busy,
        queued: p.queued,
        reads: counts.reads,
        plates: counts.plates,
        noPlate: counts.noPlate,
        errors: { ...errors },
        meanMs: counts.reads > 0 ? counts.totalMs / counts.reads : 0,
        engine: engineName,
        fallbacks: starter.fallbacks(),
      };
    },
    async ready() {
      const r = await pool.ready();
      return r.ok ? null : r.error;
    },
    close: () => pool.close(),
  };
}
