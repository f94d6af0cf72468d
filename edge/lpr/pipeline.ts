/** One frame through the whole chain: locate → rectify → segment → OCR → template correction. */
import { type AlignedRead, alignSymbols } from './align.ts';
import { estimateSlant, extractGlyphs, type GlyphSet, typeset } from './glyphs.ts';
import { downscale, type Gray, toPgm } from './image.ts';
import { findTextLines, type TextLine } from './locate.ts';
import type { OcrEngine } from './ocr.ts';
import { plateBox, sampleStrip, scaleLine } from './strip.ts';
import { fitTemplates, glyphConfidence } from './templates.ts';
import type { Box } from '../../core/ports/camera.ts';
import type { PlateTemplate } from '../../core/ports/plate-template.ts';
import type { PlateCandidate } from './types.ts';

export interface PipelineOptions {
  templates: readonly PlateTemplate[];
  minConfidence: number;
  /** Character runs sent to OCR at most per frame (each costs one to three OCR calls). */
  maxLines?: number;
}

export interface FrameRead {
  plate: string | null;
  confidence: number;
  box: Box | null;
  candidates: PlateCandidate[];
  /** Per glyph of the plate, with the recogniser's probability (neural engine only). */
  glyphs?: { char: string; p: number }[];
}

/** Localisation works on at most this width: 1080p frames are shrunk, plates stay ≥ 8 px tall. */
const LOCATE_MAX_WIDTH = 1280;
/** Stop trying further runs (or a second look) once a read is this sure. */
const GOOD_ENOUGH = 0.85;

interface Layout {
  /** Keep the plate's word gap ('ABC 123'). */
  groups: boolean;
  /** Gap between glyphs, in glyph heights. */
  gap: number;
}

/** Typesettings tried in order: tight, then with the word gap, then loose. */
const LOOKS: readonly Layout[] = [
  { groups: false, gap: 0.1 },
  { groups: true, gap: 0.1 },
  { groups: false, gap: 0.25 },
];

export async function readFrame(frame: Gray, ocr: OcrEngine, o: PipelineOptions): Promise<FrameRead> {
  const factor = Math.max(1, frame.width / LOCATE_MAX_WIDTH);
  const lines = findTextLines(await downscale(frame, factor), { maxLines: o.maxLines ?? 3 });
  const pooled = new Map<string, { confidence: number; box: Box }>();
  let best = 0;
  for (const found of lines) {
    const line = scaleLine(found, factor);
    const set = glyphsOf(frame, line);
    if (!set) continue;
    const box = plateBox(line, frame.width, frame.height);
    let firstLength = 0;
    for (const [look, layout] of LOOKS.entries()) {
      // Further looks, differently typeset, only when the first was not convincing: the
      // LSTM rarely makes the same mistake on two typesettings.
      if (look > 0 && (best >= GOOD_ENOUGH || !nearPlateLength(firstLength, o.templates))) break;
      const read = await readGlyphs(ocr, set, layout);
      if (look === 0) firstLength = read.text.length;
      for (const fit of fitTemplates(read.text, glyphConfidence(read.confidences), o.templates)) {
        const prev = pooled.get(fit.plate);
        if (!prev || fit.confidence > prev.confidence)
          pooled.set(fit.plate, { confidence: fit.confidence, box });
        best = Math.max(best, fit.confidence);
      }
    }
    if (best >= GOOD_ENOUGH) break;
  }
  const ranked = [...pooled.entries()].sort((a, b) => b[1].confidence - a[1].confidence);
  const candidates = ranked.slice(0, 5).map(([plate, v]) => ({ plate, confidence: v.confidence }));
  const top = ranked[0];
  if (!top || top[1].confidence < o.minConfidence)
    return { plate: null, confidence: 0, box: null, candidates };
  return { plate: top[0], confidence: top[1].confidence, box: top[1].box, candidates };
}

/** A read this long could be a plate that lost or gained a glyph; words of signs mostly are not. */
function nearPlateLength(length: number, templates: readonly PlateTemplate[]): boolean {
  const lengths = templates.flatMap((t) => t.patterns.map((p) => p.length));
  return length >= Math.min(...lengths) - 1 && length <= Math.max(...lengths) + 2;
}

/** Glyphs of a run, deslanted when the plate was seen at an angle; null if not plate-like. */
function glyphsOf(frame: Gray, line: TextLine): GlyphSet | null {
  let set = extractGlyphs(sampleStrip(frame, line));
  if (set.glyphs.length < 4) return null;
  const slant = estimateSlant(set);
  if (Math.abs(slant) >= 0.05) set = extractGlyphs(sampleStrip(frame, line, slant));
  return set.glyphs.length >= 4 && set.glyphs.length <= 10 ? set : null;
}

async function readGlyphs(ocr: OcrEngine, set: GlyphSet, layout: Layout): Promise<AlignedRead> {
  const input = typeset(set, layout.groups, layout.gap);
  const read = await ocr.recognize(toPgm(input.image));
  return alignSymbols(read.symbols, input.spans);
}
