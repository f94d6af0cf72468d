/**
 * Simulated OCR for the in-process run: reads the truth of a rendered frame and degrades it the way
 * plate OCR fails in the field (one confusable glyph, or nothing legible). The real LPR replaces
 * this when the edge agent runs against the simulator.
 */
import type { PlateRead } from '../../controllers/parking/index.ts';
import type { Rng } from '../camera/index.ts';

const SWAPS: Record<string, string> = {
  '0': 'O',
  O: '0',
  '1': 'I',
  I: '1',
  '2': 'Z',
  Z: '2',
  '5': 'S',
  S: '5',
  '6': 'G',
  G: '6',
  '8': 'B',
  B: '8',
  D: '0',
};

/** Replace one confusable glyph (or, failing that, any glyph) with a look-alike. */
export function oneCharWrong(plate: string, rng: Rng): string {
  const idx = [...plate].map((c, i) => (SWAPS[c] ? i : -1)).filter((i) => i >= 0);
  const i = idx.length > 0 ? rng.pick(idx) : rng.int(0, plate.length - 1);
  const c = plate[i] ?? 'X';
  const swapped = SWAPS[c] ?? (c === 'X' ? 'K' : 'X');
  return plate.slice(0, i) + swapped + plate.slice(i + 1);
}

export function simulateOcr(
  plate: string | null,
  rates: { ocrOneCharError: number; ocrUnreadable: number },
  rng: Rng,
  frameRef: string,
): PlateRead & { truth: string | null; wrong: boolean } {
  if (plate === null || rng.chance(rates.ocrUnreadable))
    return { plate: null, confidence: rng.float(0, 0.3), frameRef, truth: plate, wrong: false };
  if (rng.chance(rates.ocrOneCharError)) {
    // A confusion the engine is sure about: the controller must cope (fuzzy stay matching).
    return {
      plate: oneCharWrong(plate, rng),
      confidence: rng.float(0.82, 0.92),
      frameRef,
      truth: plate,
      wrong: true,
    };
  }
  return { plate, confidence: rng.float(0.86, 0.99), frameRef, truth: plate, wrong: false };
}
