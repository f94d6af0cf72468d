/** Public types of the licence-plate reader. Errors are values with codes, never throws. */
import type { Box } from '../../core/ports/camera.ts';
import type { PlateTemplate } from '../../core/ports/plate-template.ts';

export interface PlateCandidate {
  /** Normalised plate: uppercase letters and digits, no spaces or hyphens. */
  plate: string;
  /** 0..1 */
  confidence: number;
}

export type LprErrorCode =
  | 'LPR_EMPTY_INPUT' // 0 bytes
  | 'LPR_UNSUPPORTED_FORMAT' // neither JPEG nor PNG (random bytes, text…)
  | 'LPR_CORRUPT_IMAGE' // recognised header but the decoder failed (truncated, damaged)
  | 'LPR_IMAGE_TOO_LARGE' // bytes or pixel dimensions above the configured limits
  | 'LPR_IMAGE_TOO_SMALL'
  | 'LPR_QUEUE_FULL' // back-pressure: the bounded queue is full, retry later
  | 'LPR_TIMEOUT' // the read exceeded timeoutMs; its OCR worker was recycled
  | 'LPR_CLOSED' // read() after close()
  | 'LPR_OCR_FAILED' // the OCR engine failed to start or crashed
  | 'LPR_MODEL_UNAVAILABLE'; // the ONNX models could not load: tesseract.js reads instead

export interface LprError {
  code: LprErrorCode;
  message: string;
}

export interface PlateReadResult {
  /** Best normalised plate, or null when no plate was found (or on error). */
  plate: string | null;
  /** 0..1; 0 when plate is null. */
  confidence: number;
  /** Where the plate is in the frame, or null. */
  box: Box | null;
  /** Alternatives, best first (includes the chosen plate). */
  candidates: PlateCandidate[];
  /** Service time: from a worker taking the frame to the answer (decode included). */
  ms: number;
  /** Time the frame waited in the queue for a worker. */
  queueMs?: number;
  /** Engine that read the frame. */
  engine?: 'onnx' | 'tesseract';
  /** Per glyph of the plate with the recogniser's probability (onnx engine), for fusion. */
  glyphs?: { char: string; p: number }[];
  error?: LprError;
}

export interface PlateReaderOptions {
  /** OCR workers; default: number of cores (at least 1). */
  workers?: number;
  /** Accepted formats, most specific first; default: mercosur, legacy. */
  templates?: PlateTemplate[];
  /** Per-read limit, queue wait included; default 5000 ms. */
  timeoutMs?: number;
  /** Reads allowed to wait for a worker (beyond those running); default 32. */
  queueLimit?: number;
  /** Input limits; defaults 20 MB and 4096×4096. */
  maxBytes?: number;
  maxPixels?: number;
  /** Worker start limit; default 15000 ms. */
  startTimeoutMs?: number;
  /** Minimum confidence to report a plate (0..1); default 0.6. */
  minConfidence?: number;
  /** Recognition engine; default 'onnx' (falls back to tesseract if its models cannot load). */
  engine?: 'onnx' | 'tesseract';
}

export interface PlateReaderStats {
  workers: number;
  busy: number;
  queued: number;
  reads: number;
  plates: number;
  noPlate: number;
  errors: Partial<Record<LprErrorCode, number>>;
  meanMs: number;
  /** Engine of the last read (the configured one until a read happened). */
  engine?: 'onnx' | 'tesseract';
  /** Times the ONNX models failed to load and tesseract stood in. */
  fallbacks?: number;
}

export interface PlateReader {
  read(image: Buffer): Promise<PlateReadResult>;
  /** Fuses reads of one vehicle (several frames) into one result. */
  fuse(results: readonly PlateReadResult[]): PlateReadResult;
  stats(): PlateReaderStats;
  close(): Promise<void>;
}
