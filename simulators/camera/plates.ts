/** Random plate numbers that follow a template, and the printed styles the renderer knows. */
import { formatPlate, type PlateTemplate } from '../../core/ports/plate-template.ts';
import type { Rng } from './rng.ts';

export type PlateStyle = 'white' | 'yellow' | 'mercosur';
export const PLATE_STYLES: readonly PlateStyle[] = ['white', 'yellow', 'mercosur'];

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** A normalised plate (no spaces or hyphens) that fits one of the template's patterns. */
export function randomPlate(rng: Rng, template: PlateTemplate): string {
  const pattern = rng.pick(template.patterns);
  let out = '';
  for (const p of pattern) {
    if (p === 'A') out += rng.pick([...LETTERS]);
    else if (p === '9') out += rng.pick([...DIGITS]);
    else out += rng.pick([...LETTERS, ...DIGITS]);
  }
  return out;
}

/** How the plate is printed: 'ABCD123' → 'ABCD 123' for mercosur, 'ABC-123' for legacy. */
export function displayText(plate: string, template?: PlateTemplate): string {
  if (template) return formatPlate(plate, template);
  if (/^[A-Z]{4}\d{3}$/.test(plate)) return `${plate.slice(0, 4)} ${plate.slice(4)}`;
  if (/^[A-Z]{3}\d{3}$/.test(plate)) return `${plate.slice(0, 3)}-${plate.slice(3)}`;
  return plate;
}
