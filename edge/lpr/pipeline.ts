/** One frame through the whole chain: locate → rectify → segment → OCR → template correction. */
import { type AlignedRead, alignSymbols } from './align.ts';
import { extractGlyphs, type GlyphSet, typeset } from './glyphs.ts';
import { downscale, type Gray, toPgm } from './image.ts';
import { findTextLines } from './locate.ts';
import type { OcrEngine, Whitelist } from './ocr.ts';
import { plateBox, sampleStrip, scaleLine } from './strip.ts';
import { fitTemplates } from './templates.ts';
import type { Box, PlateCandidate, PlateTemplate } from './types.ts';

export interface PipelineOptions {
  templates: readonly PlateTemplate[];
  minConfidence: number;
  /** Character runs sent to OCR at most per frame (each costs one OCR call). */
  maxLines?: number;
}

export interface FrameRead {
  plate: string | null;
  confidence: number;
  box: Box | null;
  candidates: PlateCandidate[];
}

/** Localisation works on at most this width: 1080p frames are shrunk, plates stay ≥ 8 px tall. */
const LOCATE_MAX_WIDTH = 1280;
/** Stop trying further runs once a read is this sure. */
const GOOD_ENOUGH = 0.85;

export async function readFrame(frame: Gray, ocr: OcrEngine, o: PipelineOptions): Promise<FrameRead> {
  const factor = Math.max(1, frame.width / LOCATE_MAX_WIDTH);
  const lines = findTextLines(downscale(frame, factor), { maxLines: o.maxLines ?? 3 });
  const pooled = new Map<string, { confidence: number; box: Box }>();
  const offer = (plate: string, confidence: number, box: Box): void => {
    const prev = pooled.get(plate);
    if (!prev || confidence > prev.confidence) pooled.set(plate, { confidence, box });
  };
  for (const found of lines) {
    const line = scaleLine(found, factor);
    const set = extractGlyphs(sampleStrip(frame, line));
    if (set.glyphs.length < 4 || set.glyphs.length > 10) continue;
    const box = plateBox(line, frame.width, frame.height);
    const read = await readGlyphs(ocr, set, undefined, 'any');
    for (const fit of fitTemplates(read.text, glyphConfidence(read.confidences), o.templates))
      offer(fit.plate, fit.confidence, box);
    if (Math.max(0, ...[...pooled.values()].map((p) => p.confidence)) >= GOOD_ENOUGH) break;
  }
  const ranked = [...pooled.entries()].sort((a, b) => b[1].confidence - a[1].confidence);
  const candidates = ranked.slice(0, 5).map(([plate, v]) => ({ plate, confidence: v.confidence }));
  const best = ranked[0];
  if (!best || best[1].confidence < o.minConfidence)
    return { plate: null, confidence: 0, box: null, candidates };
  return { plate: best[0], confidence: best[1].confidence, box: best[1].box, candidates };
}

async function readGlyphs(
  ocr: OcrEngine,
  set: GlyphSet,
  indices: number[] | undefined,
  whitelist: Whitelist,
): Promise<AlignedRead> {
  const input = typeset(set, indices);
  const read = await ocr.recognize(toPgm(input.image), whitelist);
  return alignSymbols(read.symbols, input.spans);
}

/** Mean glyph confidence blended with the weakest glyph: one doubtful glyph makes the plate doubtful. */
export function glyphConfidence(confidences: readonly number[]): number {
  if (confidences.length === 0) return 0;
  const mean = confidences.reduce((a, c) => a + c, 0) / confidences.length;
  return 0.6 * mean + 0.4 * Math.min(...confidences);
}
