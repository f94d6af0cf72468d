/**
 * Plate formats: the camera simulator prints plates with them and the edge LPR corrects its reads
 * against them (edge/lpr/templates.ts), so both sides agree on what a plate looks like.
 */

/**
 * A plate format (one per site or country). Each pattern uses A = letter, 9 = digit,
 * * = either, one char per position; `display` shows how it is printed (e.g. 'AAAA 999',
 * 'AAA-999'), used by the camera simulator and for formatting only.
 */
export interface PlateTemplate {
  name: string;
  patterns: string[];
  display?: string;
}

export const TEMPLATES = {
  /** Mercosur style as deployed on our sites: four letters, three digits ('ABCD 123'). */
  mercosur: { name: 'mercosur', patterns: ['AAAA999'], display: 'AAAA 999' },
  /** Older national plates: three letters, three digits ('ABC-123'). */
  legacy: { name: 'legacy', patterns: ['AAA999'], display: 'AAA-999' },
  /** Anything of 5–8 letters or digits, for sites with mixed or foreign traffic. */
  generic: { name: 'generic', patterns: ['*****', '******', '*******', '********'] },
} as const satisfies Record<string, PlateTemplate>;

/** Site formats first; `generic` last so foreign plates are read (at a small prior cost). */
export const DEFAULT_TEMPLATES: PlateTemplate[] = [TEMPLATES.mercosur, TEMPLATES.legacy, TEMPLATES.generic];

/** Formats a normalised plate the way the template prints it ('ABCD123' → 'ABCD 123'). */
export function formatPlate(plate: string, template: PlateTemplate): string {
  const display = template.display;
  if (!display) return plate;
  let out = '';
  let i = 0;
  for (const ch of display) {
    if (ch === 'A' || ch === '9' || ch === '*') out += plate[i++] ?? '';
    else out += ch;
  }
  return out + plate.slice(i);
}
