/**
 * One offline tesseract.js worker. Without network, tesseract's default options throw an
 * uncaught `fetch failed` that kills the process, so: the language data comes from the
 * installed package, nothing is cached to disk, errors go to an errorHandler, and startup is
 * raced against a timeout because with an errorHandler createWorker may never settle.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';

export interface OcrSymbol {
  text: string;
  /** 0..1 */
  confidence: number;
  /** Horizontal extent in the OCR image, pixels. */
  x0: number;
  x1: number;
}

export interface OcrRead {
  text: string;
  /** Per glyph; the page-level confidence is 0 whenever tesseract's best path used a glyph outside the whitelist. */
  symbols: OcrSymbol[];
}

/**
 * Space and hyphen included: tesseract must be able to explain the gap of 'ABCD 123' and the
 * dash of 'ABC-123' rather than turn them into a letter. (Letters-only and digits-only passes
 * per template position were tried: on 3–4 glyph strips the LSTM got worse, e.g. 7 → 1.)
 */
export const WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -';

export interface OcrEngine {
  /** Reads one line of text (an image tesseract can decode: PGM, PNG…). */
  recognize(image: Buffer): Promise<OcrRead>;
  terminate(): Promise<void>;
}

export class OcrStartError extends Error {
  readonly code = 'LPR_OCR_FAILED';
}

/** Directory of the installed best_int English model (gzipped), resolved without network. */
export function defaultLangPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

export interface OcrOptions {
  langPath?: string;
  gzip?: boolean;
  startTimeoutMs?: number;
}

export async function startOcr(o: OcrOptions = {}): Promise<OcrEngine> {
  let lastError: unknown = null;
  const pending = createWorker('eng', OEM.LSTM_ONLY, {
    langPath: o.langPath ?? defaultLangPath(),
    gzip: o.gzip ?? true,
    cacheMethod: 'none',
    errorHandler: (err: unknown) => {
      lastError = err;
    },
  });
  const worker = await withTimeout(pending, o.startTimeoutMs ?? 15_000, () => {
    // If it starts after all, do not leak the thread.
    pending.then((w) => w.terminate()).catch(() => {});
    return new OcrStartError(`OCR worker did not start: ${lastError ? String(lastError) : 'timeout'}`);
  }).catch((err: unknown) => {
    throw err instanceof OcrStartError ? err : new OcrStartError(`OCR worker failed: ${String(err)}`);
  });
  try {
    await worker.setParameters({
      tessedit_pageseg_mode: PSM.SINGLE_LINE,
      tessedit_char_whitelist: WHITELIST,
      user_defined_dpi: '300',
    });
  } catch (err) {
    await worker.terminate().catch(() => {});
    throw new OcrStartError(`OCR worker rejected its parameters: ${String(err)}`);
  }
  return wrap(worker);
}

function wrap(worker: Worker): OcrEngine {
  return {
    async recognize(image) {
      const { data } = await worker.recognize(image, {}, { text: true, blocks: true });
      const symbols: OcrSymbol[] = [];
      for (const block of data.blocks ?? []) {
        for (const para of block.paragraphs) {
          for (const line of para.lines) {
            for (const w of line.words) {
              for (const sym of w.symbols)
                symbols.push({
                  text: sym.text,
                  confidence: sym.confidence / 100,
                  x0: sym.bbox.x0,
                  x1: sym.bbox.x1,
                });
            }
          }
        }
      }
      return { text: data.text.trim(), symbols };
    },
    async terminate() {
      await worker.terminate().catch(() => {});
    },
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
