/**
 * Plate formats and positional correction: OCR confuses look-alike glyphs (O/0, I/1, Z/2,
 * B/8, S/5, G/6), but a template says which kind of character each position holds, so a
 * digit read where a letter must be is mapped back to its look-alike letter and vice versa.
 */
import { normalisePlate } from '../../core/plate.ts';
import type { PlateTemplate } from '../../core/ports/plate-template.ts';
import type { PlateCandidate } from './types.ts';

const DIGIT_TO_LETTER: Record<string, string> = {
  '0': 'O',
  '1': 'I',
  '2': 'Z',
  '8': 'B',
  '5': 'S',
  '6': 'G',
  '4': 'A',
  '7': 'T',
};
const LETTER_TO_DIGIT: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  U: '0',
  I: '1',
  L: '1',
  T: '7',
  Z: '2',
  B: '8',
  S: '5',
  G: '6',
  A: '4',
};

/** Each forced substitution costs this factor of confidence: a corrected read is less sure. */
const CORRECTION_PENALTY = 0.85;
/**
 * More forced substitutions than this and the text is a word, not a misread plate
 * ('RENTAL' would otherwise become legacy 'REN741').
 */
export const MAX_CORRECTIONS = 2;

/**
 * Sign and shop words that come with digits (`SALE 50%` read as SALE509, `EXIT 3`, `ZONE 30`):
 * a plate starting with one is signage. Four letters or more, so a real plate matches by
 * chance about once in 26⁴.
 */
const SIGN_WORDS = /^(SALE|EXIT|ZONE|OPEN|STOP|TAXI|PARK|SCHOOL|GATE|LEVEL|FLOOR|HOTEL|POLICE|RENTAL)/;
export const isSignText = (plate: string): boolean => SIGN_WORDS.test(plate);
/** Free-format plates need both: shop words (TAXI, PARKING) and bare numbers are not plates. */
const hasLetterAndDigit = (t: string): boolean => /[A-Z]/.test(t) && /[0-9]/.test(t);
const isLetter = (c: string): boolean => c >= 'A' && c <= 'Z';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/**
 * Fits `text` (normalised) to one pattern of the same length. Returns the corrected plate and
 * how many positions were forced, or null when some position cannot be mapped.
 */
export function fitPattern(text: string, pattern: string): { plate: string; corrections: number } | null {
  if (text.length !== pattern.length) return null;
  let plate = '';
  let corrections = 0;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const c = text[i]!;
    if (want === '*' || (want === 'A' && isLetter(c)) || (want === '9' && isDigit(c))) {
      plate += c;
      continue;
    }
    const mapped = want === 'A' ? DIGIT_TO_LETTER[c] : LETTER_TO_DIGIT[c];
    if (!mapped || ++corrections > MAX_CORRECTIONS) return null;
    plate += mapped;
  }
  return { plate, corrections };
}

/** All windows of `text` at the pattern's length: OCR often adds a stray glyph at either end (a bolt, the border). */
function windows(text: string, len: number): { sub: string; trimmed: number; start: number }[] {
  const out: { sub: string; trimmed: number; start: number }[] = [];
  for (let start = 0; start + len <= text.length && start <= 2; start++) {
    const trimmed = text.length - len;
    if (trimmed > 2) break;
    out.push({ sub: text.slice(start, start + len), trimmed, start });
  }
  return out;
}

/**
 * Candidates for one OCR read: every template/pattern the text fits, best first.
 * `ocrConfidence` is 0..1; each correction or trimmed glyph lowers the result.
 */
export function matchTemplates(
  raw: string,
  ocrConfidence: number,
  templates: readonly PlateTemplate[],
): PlateCandidate[] {
  return fitTemplates(raw, ocrConfidence, templates).map(({ plate, confidence }) => ({ plate, confidence }));
}

export interface TemplateFit extends PlateCandidate {
  pattern: string;
  /** Where in the normalised text the plate starts (characters trimmed before it). */
  start: number;
  corrections: number;
}

/** Like matchTemplates, but says which pattern and which part of the text each candidate used. */
export function fitTemplates(
  raw: string,
  ocrConfidence: number,
  templates: readonly PlateTemplate[],
): TemplateFit[] {
  const text = normalisePlate(raw);
  const best = new Map<string, TemplateFit>();
  // The whole line, not a trimmed window: ALE509 is still the SALE 50% sign.
  if (isSignText(text)) return [];
  templates.forEach((template, rank) => {
    // Earlier templates are the site's expected formats: prefer them slightly on ties.
    const rankFactor = 1 - rank * 0.02;
    for (const pattern of template.patterns) {
      for (const { sub, trimmed, start } of windows(text, pattern.length)) {
        const fit = fitPattern(sub, pattern);
        if (!fit) continue;
        const free = pattern.includes('*');
        if (free && !hasLetterAndDigit(fit.plate)) continue;
        const confidence = clamp01(
          ocrConfidence *
            CORRECTION_PENALTY ** (fit.corrections + trimmed) *
            rankFactor *
            (free ? FREE_FORMAT_PRIOR_TEXT : 1),
        );
        if (confidence > (best.get(fit.plate)?.confidence ?? -1)) {
          best.set(fit.plate, { plate: fit.plate, confidence, pattern, start, corrections: fit.corrections });
        }
      }
    }
  });
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

export function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** A recognised glyph with its probability and the recogniser's own second choices. */
export interface GlyphEvidence {
  char: string;
  p: number;
  alts: readonly { char: string; p: number }[];
}

/**
 * Free-format templates (`*`) are the fallback for foreign or unusual plates: a read that
 * fits one of the site's own formats, even with a correction backed by the recogniser's
 * second choice, should beat the same text taken literally.
 */
const FREE_FORMAT_PRIOR = 0.9;
/**
 * The same prior for tesseract.js reads, which carry no second choices: a mis-segmented or
 * misread line of a site format otherwise passes as a literal free-format plate (on generator
 * A, 100 frames: 0.9 → 13 wrong plates, 0.7 → 10; exact 63 → 66). Not lower: at 0.6 no
 * free-format read could reach the default minConfidence 0.6 any more.
 */
const FREE_FORMAT_PRIOR_TEXT = 0.7;
/** A look-alike substitution the recogniser itself did not propose: weak evidence. */
const UNSUPPORTED_CORRECTION = 0.25;

export interface GlyphFit extends TemplateFit {
  /** The chosen character at each position with its probability. */
  glyphs: { char: string; p: number }[];
}

/**
 * Fits per-glyph reads to the templates. Where a position wants the other kind of character,
 * the recogniser's own alternatives are used first (with their probability), the look-alike
 * table only when it proposed none. Free-format fits need a letter and a digit: shop words
 * (TAXI, PARKING) and bare numbers are not plates.
 */
export function fitGlyphTemplates(
  glyphs: readonly GlyphEvidence[],
  templates: readonly PlateTemplate[],
): GlyphFit[] {
  const best = new Map<string, GlyphFit>();
  if (isSignText(glyphs.map((g) => g.char).join(''))) return [];
  templates.forEach((template, rank) => {
    const rankFactor = 1 - rank * 0.02;
    for (const pattern of template.patterns) {
      const len = pattern.length;
      const trimmed = glyphs.length - len;
      if (trimmed < 0 || trimmed > 2) continue;
      for (let start = 0; start <= trimmed; start++) {
        const fit = fitWindow(glyphs.slice(start, start + len), pattern);
        if (!fit) continue;
        if (pattern.includes('*') && !hasLetterAndDigit(fit.plate)) continue;
        // Trimmed glyphs cost by how sure the recogniser was of them: a faint bolt is free-ish.
        let trimCost = 1;
        for (const [i, g] of glyphs.entries()) if (i < start || i >= start + len) trimCost *= 1 - 0.5 * g.p;
        const prior = pattern.includes('*') ? FREE_FORMAT_PRIOR : 1;
        const confidence = clamp01(
          glyphConfidence(fit.glyphs.map((g) => g.p)) * trimCost * prior * rankFactor,
        );
        if (confidence > (best.get(fit.plate)?.confidence ?? -1))
          best.set(fit.plate, { ...fit, confidence, pattern, start });
      }
    }
  });
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

function fitWindow(
  window: readonly GlyphEvidence[],
  pattern: string,
): { plate: string; corrections: number; glyphs: { char: string; p: number }[] } | null {
  const chosen: { char: string; p: number }[] = [];
  let corrections = 0;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const g = window[i]!;
    const ok = (c: string): boolean => want === '*' || (want === 'A' ? isLetter(c) : isDigit(c));
    if (ok(g.char)) {
      chosen.push({ char: g.char, p: g.p });
      continue;
    }
    if (++corrections > MAX_CORRECTIONS) return null;
    const alt = g.alts.find((a) => ok(a.char));
    const mapped = want === 'A' ? DIGIT_TO_LETTER[g.char] : LETTER_TO_DIGIT[g.char];
    if (alt && (!mapped || alt.p >= 0.02)) chosen.push({ char: alt.char, p: alt.p });
    else if (mapped) chosen.push({ char: mapped, p: g.p * UNSUPPORTED_CORRECTION });
    else return null;
  }
  return { plate: chosen.map((c) => c.char).join(''), corrections, glyphs: chosen };
}

/** Mean glyph probability blended with the weakest: one doubtful glyph makes the plate doubtful. */
export function glyphConfidence(ps: readonly number[]): number {
  if (ps.length === 0) return 0;
  const mean = ps.reduce((a, c) => a + c, 0) / ps.length;
  return 0.6 * mean + 0.4 * Math.min(...ps);
}
