/**
 * CTC greedy decoding of the PP-OCR recogniser's output, restricted to plate characters.
 * The model's alphabet is 6,623 symbols (Chinese, punctuation, both cases); a plate uses
 * 36. Lower and upper case are pooled, everything else is one "other" class that ends a
 * glyph (a `%` or `·` is not a plate character, but it is evidence the line is not a plate).
 */

/** A recognised glyph with its probability and the best other plate character at its peak. */
export interface Glyph {
  char: string;
  p: number;
  /** Second-best plate characters at the glyph's peak frame, best first (p > 0.001). */
  alts: { char: string; p: number }[];
}

export interface LineRead {
  glyphs: Glyph[];
  /** Glyph index before which a gap (space / separator class) was seen. */
  breaks: number[];
  /** Highest probability of a non-plate symbol anywhere in the line (`%`, `&`, Chinese…). */
  foreign: number;
}

export const PLATE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Symbols that separate plate groups; they break glyph runs but do not count as foreign. */
const SEPARATORS = new Set([' ', '-', '·', '.', ':', '•', '_', '—', '–', '|']);

export interface Alphabet {
  /** For each model class (0 = CTC blank): index into PLATE_CHARS, -1 separator, -2 foreign. */
  map: Int16Array;
  classes: number;
}

/** The PP-OCR dictionary: one symbol per line; class 0 is blank, and a final class is space. */
export function buildAlphabet(dictionary: string): Alphabet {
  const symbols = dictionary.split(/\r?\n/);
  if (symbols.at(-1) === '') symbols.pop();
  symbols.push(' ');
  const map = new Int16Array(symbols.length + 1);
  map[0] = -3;
  symbols.forEach((s, i) => {
    const k = PLATE_CHARS.indexOf(s.toUpperCase());
    map[i + 1] = s.length === 1 && k >= 0 ? k : SEPARATORS.has(s) ? -1 : -2;
  });
  return { map, classes: map.length };
}

/** probs: T × classes softmax rows. */
export function ctcDecode(probs: Float32Array, steps: number, alphabet: Alphabet): LineRead {
  const { map, classes } = alphabet;
  const pc = new Float32Array(PLATE_CHARS.length);
  const glyphs: Glyph[] = [];
  const breaks: number[] = [];
  let foreign = 0;
  let prev = -3; // previous step: char index, or -1/-2/-3 for separator/foreign/blank
  let gap = false;
  for (let t = 0; t < steps; t++) {
    pc.fill(0);
    let pSep = 0;
    let pForeign = 0;
    const row = t * classes;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p < 1e-5) continue;
      const k = map[c]!;
      if (k >= 0) pc[k] = pc[k]! + p;
      else if (k === -1) pSep += p;
      else pForeign += p;
    }
    const pBlank = probs[row]!;
    let best = 0;
    for (let k = 1; k < pc.length; k++) if (pc[k]! > pc[best]!) best = k;
    const pBest = pc[best]!;
    foreign = Math.max(foreign, pForeign);
    let now: number;
    if (pBest >= pBlank && pBest >= pSep && pBest >= pForeign) now = best;
    else if (pSep > pBlank && pSep >= pForeign) now = -1;
    else if (pForeign > pBlank) now = -2;
    else now = -3;
    if (now >= 0) {
      const last = glyphs.at(-1);
      if (now === prev && last) {
        // Same glyph over several steps: keep its most confident step.
        if (pBest > last.p) Object.assign(last, { p: pBest, alts: altsOf(pc, best) });
      } else {
        if (gap && glyphs.length > 0) breaks.push(glyphs.length);
        gap = false;
        glyphs.push({ char: PLATE_CHARS[best]!, p: pBest, alts: altsOf(pc, best) });
      }
    } else if (now !== -3) gap = true;
    prev = now;
  }
  return { glyphs, breaks, foreign };
}

function altsOf(pc: Float32Array, best: number): { char: string; p: number }[] {
  const out: { char: string; p: number }[] = [];
  for (let k = 0; k < pc.length; k++)
    if (k !== best && pc[k]! > 0.001) out.push({ char: PLATE_CHARS[k]!, p: pc[k]! });
  return out.sort((a, b) => b.p - a.p).slice(0, 3);
}
