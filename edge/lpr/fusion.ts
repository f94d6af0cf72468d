/**
 * Multi-frame fusion: the same vehicle seen in several frames. Whole-plate votes are weighted
 * by confidence, then a per-position vote among reads of the winning length repairs a glyph
 * that one frame got wrong (motion blur rarely hits the same character twice). Reads that carry
 * per-glyph probabilities vote per glyph with them.
 */
import { clamp01 } from './templates.ts';
import type { PlateCandidate, PlateReadResult } from './types.ts';

export function fuseResults(results: readonly PlateReadResult[]): PlateReadResult {
  const reads = results.filter((r) => r.plate !== null && !r.error);
  const ms = results.reduce((sum, r) => sum + r.ms, 0);
  if (reads.length === 0) return { plate: null, confidence: 0, box: null, candidates: [], ms };

  const votes = new Map<string, number>();
  for (const r of reads) {
    for (const c of r.candidates.length > 0
      ? r.candidates
      : [{ plate: r.plate!, confidence: r.confidence }]) {
      votes.set(c.plate, (votes.get(c.plate) ?? 0) + c.confidence);
    }
  }
  const total = reads.reduce((s, r) => s + Math.max(r.confidence, 1e-6), 0);
  const ranked: PlateCandidate[] = [...votes.entries()]
    .map(([plate, v]) => ({ plate, confidence: clamp01(v / total) }))
    .sort((a, b) => b.confidence - a.confidence);

  const top = ranked[0]!;
  const byPosition = positionalVote(reads, top.plate.length);
  const plate = byPosition ?? top.plate;
  const agreeing = reads.filter((r) => r.plate === plate).reduce((s, r) => s + r.confidence, 0);
  // A plate assembled position by position was never read whole: trust it less.
  const confidence = clamp01(agreeing > 0 ? agreeing / reads.length : (0.8 * total) / reads.length);
  if (!ranked.some((c) => c.plate === plate)) ranked.unshift({ plate, confidence });
  const best = reads.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return { plate, confidence, box: best.box, candidates: ranked.slice(0, 5), ms };
}

/** Per-position weighted vote among primary reads of length `len`; null if fewer than two. */
function positionalVote(reads: readonly PlateReadResult[], len: number): string | null {
  const same = reads.filter((r) => r.plate!.length === len);
  if (same.length < 2) return null;
  let out = '';
  for (let i = 0; i < len; i++) {
    const tally = new Map<string, number>();
    for (const r of same) {
      const ch = r.plate![i]!;
      // With the recogniser's per-glyph probability (onnx engine), a glyph the frame itself
      // doubted weighs less than one it was sure of.
      const g = r.glyphs?.length === len ? r.glyphs[i]! : null;
      const weight = r.confidence * (g && g.char === ch ? g.p : 1);
      tally.set(ch, (tally.get(ch) ?? 0) + weight);
    }
    out += [...tally.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  }
  return out;
}
