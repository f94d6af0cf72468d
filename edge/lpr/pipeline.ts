/** One frame through the whole chain: locate → rectify → OCR → template correction. */
import { downscale, type Gray, toPgm } from './image.ts';
import { findTextLines } from './locate.ts';
import { alignSymbols } from './align.ts';
import type { OcrEngine } from './ocr.ts';
import { plateBox, rectifyLine, scaleLine } from './rectify.ts';
import { matchTemplates } from './templates.ts';
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

/** Localisation works on at most this width: 1080p frames are halved, plates stay ≥ 8 px tall. */
const LOCATE_MAX_WIDTH = 1280;
/** Stop trying further runs once a read is this sure. */
const GOOD_ENOUGH = 0.88;

export async function readFrame(frame: Gray, ocr: OcrEngine, o: PipelineOptions): Promise<FrameRead> {
  const factor = Math.max(1, frame.width / LOCATE_MAX_WIDTH);
  const work = downscale(frame, factor);
  const lines = findTextLines(work, { maxLines: o.maxLines ?? 3 });
  const pooled = new Map<string, { confidence: number; box: Box }>();
  for (const found of lines) {
    const line = scaleLine(found, factor);
    const input = rectifyLine(frame, line);
    if (input.glyphs.length < 4 || input.glyphs.length > 10) continue;
    const read = await ocr.recognize(toPgm(input.image));
    const aligned = alignSymbols(read.symbols, input.glyphs);
    const box = plateBox(line, frame.width, frame.height);
    for (const c of matchTemplates(aligned.text, glyphConfidence(aligned.confidences), o.templates)) {
      const prev = pooled.get(c.plate);
      if (!prev || c.confidence > prev.confidence) pooled.set(c.plate, { confidence: c.confidence, box });
    }
    if (Math.max(0, ...[...pooled.values()].map((p) => p.confidence)) >= GOOD_ENOUGH) break;
  }
  const ranked = [...pooled.entries()].sort((a, b) => b[1].confidence - a[1].confidence);
  const candidates = ranked.slice(0, 5).map(([plate, v]) => ({ plate, confidence: v.confidence }));
  const best = ranked[0];
  if (!best || best[1].confidence < o.minConfidence)
    return { plate: null, confidence: 0, box: null, candidates };
  return { plate: best[0], confidence: best[1].confidence, box: best[1].box, candidates };
}

/** Mean glyph confidence blended with the weakest glyph: one doubtful glyph makes the plate doubtful. */
export function glyphConfidence(confidences: readonly number[]): number {
  if (confidences.length === 0) return 0;
  const mean = confidences.reduce((a, c) => a + c, 0) / confidences.length;
  return 0.6 * mean + 0.4 * Math.min(...confidences);
}
