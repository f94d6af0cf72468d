/**
 * Plate text helpers: normalisation and OCR-tolerant matching of an exit read against the plates
 * of vehicles still inside (edit distance ≤ 1, ties broken by known OCR confusions).
 */

import { normalisePlate } from '../../core/plate.ts';

// Glyph pairs OCR engines commonly swap on plate fonts (tesseract: Z/2 and G/6 most of all).
const CONFUSABLE: ReadonlyArray<readonly [string, string]> = [
  ['0', 'O'],
  ['0', 'D'],
  ['O', 'D'],
  ['0', 'Q'],
  ['1', 'I'],
  ['1', 'L'],
  ['1', '7'],
  ['2', 'Z'],
  ['5', 'S'],
  ['6', 'G'],
  ['8', 'B'],
  ['4', 'A'],
  ['M', 'N'],
  ['U', 'V'],
];
const confusable = new Set(CONFUSABLE.flatMap(([a, b]) => [a + b, b + a]));

export function isConfusion(a: string, b: string): boolean {
  return confusable.has(a + b);
}

/**
 * One edit between a and b: null if distance > 1; otherwise how they differ.
 * `substitution` carries the swapped glyphs so callers can weigh OCR confusions.
 */
export function oneEdit(
  a: string,
  b: string,
): { kind: 'same' } | { kind: 'substitution'; from: string; to: string } | { kind: 'indel' } | null {
  if (a === b) return { kind: 'same' };
  if (a.length === b.length) {
    let at = -1;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        if (at >= 0) return null;
        at = i;
      }
    }
    return { kind: 'substitution', from: a[at] ?? '', to: b[at] ?? '' };
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return null;
  for (let i = 0; i < long.length; i++) {
    if (long.slice(0, i) + long.slice(i + 1) === short) return { kind: 'indel' };
  }
  return null;
}

export type PlateMatch =
  | { kind: 'exact'; plate: string }
  | { kind: 'fuzzy'; plate: string }
  | { kind: 'ambiguous'; options: string[] }
  | { kind: 'none' };

/**
 * Match a read against known plates. Exact wins; otherwise the plates one edit away, scored:
 * a confusable substitution (0↔O, 2↔Z …) beats any other substitution, which beats an
 * insertion/deletion. A tie at the best score is ambiguous (flagged, never guessed).
 */
export function matchPlate(read: string, known: Iterable<string>): PlateMatch {
  const target = normalisePlate(read);
  const scored: Array<{ plate: string; score: number }> = [];
  for (const plate of known) {
    const edit = oneEdit(target, normalisePlate(plate));
    if (!edit) continue;
    if (edit.kind === 'same') return { kind: 'exact', plate };
    const score = edit.kind === 'indel' ? 1 : isConfusion(edit.from, edit.to) ? 3 : 2;
    scored.push({ plate, score });
  }
  if (scored.length === 0) return { kind: 'none' };
  const best = Math.max(...scored.map((s) => s.score));
  const top = scored.filter((s) => s.score === best).map((s) => s.plate);
  return top.length === 1 ? { kind: 'fuzzy', plate: top[0]! } : { kind: 'ambiguous', options: top };
}
