/**
 * One frame through the neural engine: text regions from the PP-OCR detector and character
 * runs from the classical locator are pooled, each is read by the recogniser on a level
 * strip, and every read is scored by the templates together. Plate filter: a region must be
 * plate-shaped, its read free of non-plate symbols (`%`, `&`…), and fit a template.
 */
import type { LineRead } from './ctc.ts';
import { downscale, type Gray } from './image.ts';
import { findTextLines, type TextLine } from './locate.ts';
import type { NeuralEngine, RotRect } from './onnx.ts';
import type { FrameRead, PipelineOptions } from './pipeline.ts';
import { fitGlyphTemplates, type GlyphEvidence, type GlyphFit } from './templates.ts';
import type { Box } from '../../core/ports/camera.ts';

/** Recogniser calls per frame at most (each ≈ 10 ms on one core). */
const MAX_READS = 7;
/** Stop once a read is this sure. */
const GOOD_ENOUGH = 0.9;
/** A line whose strongest non-plate symbol reaches this is a sign, not a plate. */
const FOREIGN_LIMIT = 0.5;
const LOCATE_MAX_WIDTH = 1280;

interface Region {
  rect: RotRect;
  /** Two-line plates: the second line, read after the first. */
  below?: RotRect;
  /** Plate-likeness used to order reads (not a probability). */
  rank: number;
}

export async function readFrameNeural(
  frame: Gray,
  engine: NeuralEngine,
  o: PipelineOptions,
): Promise<FrameRead> {
  const detected = (await engine.detect(frame)).filter((r) => r.h >= 8 && r.w >= r.h * 0.8);
  const fits: { fit: GlyphFit; box: Box }[] = [];
  const budget = { reads: 0 };
  await readRegions(frame, engine, pool(detected), o, fits, budget);
  // The classical locator's runs join the pool only when the detector's regions gave no sure
  // read (its cost, ~20 ms, is then worth paying); all fits are ranked together.
  if (!fits.some((f) => f.fit.confidence >= GOOD_ENOUGH)) {
    const extra = (await classicalRects(frame)).filter((c) => !detected.some((d) => sameRegion(d, c)));
    await readRegions(
      frame,
      engine,
      extra.map((rect) => ({ rect, rank: 0.5 })),
      o,
      fits,
      budget,
    );
  }
  return choose(fits, o.minConfidence);
}

async function readRegions(
  frame: Gray,
  engine: NeuralEngine,
  regions: Region[],
  o: PipelineOptions,
  fits: { fit: GlyphFit; box: Box }[],
  budget: { reads: number },
): Promise<void> {
  for (const region of regions) {
    if (budget.reads >= MAX_READS) return;
    const line = await engine.recognise(frame, region.rect);
    budget.reads++;
    if (line.foreign >= FOREIGN_LIMIT) continue;
    let glyphs: GlyphEvidence[] = line.glyphs;
    if (region.below) {
      const lower = await engine.recognise(frame, region.below);
      budget.reads++;
      if (lower.foreign >= FOREIGN_LIMIT) continue;
      glyphs = [...glyphs, ...lower.glyphs];
    }
    if (glyphs.length < 4 || glyphs.length > 10) continue;
    const box = boxOf(region);
    for (const fit of fitGlyphTemplates(glyphs, o.templates)) fits.push({ fit, box });
    if (fits.some((f) => f.fit.confidence >= GOOD_ENOUGH)) return;
  }
}

const sameRegion = (d: RotRect, c: RotRect): boolean =>
  Math.hypot(d.cx - c.cx, d.cy - c.cy) < 0.5 * d.h && Math.abs(d.w - c.w) < 0.3 * c.w;

function choose(fits: { fit: GlyphFit; box: Box }[], minConfidence: number): FrameRead {
  const bestByPlate = new Map<string, { fit: GlyphFit; box: Box }>();
  for (const f of fits) {
    const prev = bestByPlate.get(f.fit.plate);
    if (!prev || f.fit.confidence > prev.fit.confidence) bestByPlate.set(f.fit.plate, f);
  }
  const ranked = [...bestByPlate.values()].sort((a, b) => b.fit.confidence - a.fit.confidence);
  const candidates = ranked.slice(0, 5).map((f) => ({ plate: f.fit.plate, confidence: f.fit.confidence }));
  const top = ranked[0];
  if (!top || top.fit.confidence < minConfidence)
    return { plate: null, confidence: 0, box: null, candidates };
  return {
    plate: top.fit.plate,
    confidence: top.fit.confidence,
    box: top.box,
    candidates,
    glyphs: top.fit.glyphs,
  };
}

/** Character runs of the classical locator as rectangles around the whole run. */
async function classicalRects(frame: Gray): Promise<RotRect[]> {
  const factor = Math.max(1, frame.width / LOCATE_MAX_WIDTH);
  const lines = findTextLines(await downscale(frame, factor), { maxLines: 3 });
  return lines.map((l) => lineRect(l, factor));
}

function lineRect(l: TextLine, factor: number): RotRect {
  return {
    cx: l.cx * factor,
    cy: l.cy * factor,
    w: (l.length + 1.2 * l.charH) * factor,
    h: 1.5 * l.charH * factor,
    angle: l.angle,
    score: 0.6,
  };
}

/**
 * Orders the detector's regions by plate-likeness, with the pairs it split (word gap of
 * 'ABC 123', two-line plates).
 */
function pool(detected: RotRect[]): Region[] {
  const out: Region[] = [];
  for (const r of detected) out.push({ rect: r, rank: r.score * aspectScore(r.w / r.h) });
  for (let i = 0; i < detected.length; i++) {
    for (let j = 0; j < detected.length; j++) {
      if (i === j) continue;
      const a = detected[i]!;
      const b = detected[j]!;
      const similar = Math.abs(a.h - b.h) < 0.35 * Math.max(a.h, b.h);
      const dx = b.cx - a.cx;
      const dy = b.cy - a.cy;
      // Same line, b right of a, gap under ~1.5 glyph heights.
      if (similar && dx > 0 && Math.abs(dy) < 0.4 * a.h && dx - (a.w + b.w) / 2 < 1.5 * a.h) {
        out.push({ rect: merge(a, b), rank: 0.9 * Math.min(a.score, b.score) });
      }
      // b below a, horizontally overlapping: a two-line plate.
      if (dy > 0.6 * a.h && dy < 2.2 * Math.max(a.h, b.h) && Math.abs(dx) < 0.5 * Math.max(a.w, b.w)) {
        out.push({ rect: a, below: b, rank: 0.7 * Math.min(a.score, b.score) });
      }
    }
  }
  return out.sort((a, b) => b.rank - a.rank);
}

/** Plates read as one line of 4–10 glyphs: width/height around 2.5–8. */
function aspectScore(aspect: number): number {
  if (aspect < 1.5) return 0.2;
  if (aspect < 2.5) return 0.6;
  if (aspect <= 9) return 1;
  return 0.4;
}

function merge(a: RotRect, b: RotRect): RotRect {
  const left = a.cx - a.w / 2;
  const right = b.cx + b.w / 2;
  return {
    cx: (left + right) / 2,
    cy: (a.cy + b.cy) / 2,
    w: right - left,
    h: Math.max(a.h, b.h),
    angle: (a.angle + b.angle) / 2,
    score: Math.min(a.score, b.score),
  };
}

function boxOf(region: Region): Box {
  const rects = region.below ? [region.rect, region.below] : [region.rect];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    const ex = (Math.abs(Math.cos(r.angle)) * r.w + Math.abs(Math.sin(r.angle)) * r.h) / 2;
    const ey = (Math.abs(Math.sin(r.angle)) * r.w + Math.abs(Math.cos(r.angle)) * r.h) / 2;
    x0 = Math.min(x0, r.cx - ex);
    y0 = Math.min(y0, r.cy - ey);
    x1 = Math.max(x1, r.cx + ex);
    y1 = Math.max(y1, r.cy + ey);
  }
  return [Math.max(0, Math.floor(x0)), Math.max(0, Math.floor(y0)), Math.ceil(x1 - x0), Math.ceil(y1 - y0)];
}

export type { LineRead };
