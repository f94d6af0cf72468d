/**
 * The one plate normalisation: LPR output, registry keys, operator input and the contract's
 * `plate` fields all live in the same space, so a read matches a registry entry.
 */

/** A normalised plate: 2–10 letters or digits (the contract's `plate` fields). */
export const NORMALISED_PLATE = /^[A-Z0-9]{2,10}$/;

/**
 * Uppercase, letters A–Z and digits only: "abcd-123" → "ABCD123". OCR adds stray glyphs (`|`,
 * quotes, a border read as `[`), so everything else goes, not only spaces and dashes.
 */
export function normalisePlate(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Whether an already normalised text has the shape of a plate. */
export function isPlausiblePlate(plate: string): boolean {
  return NORMALISED_PLATE.test(plate);
}

/**
 * Plate text as a person types it in a registry: letters, digits and the separators plates are
 * printed with. Anything else (`Ä`, `#`) would vanish on normalising and could merge two plates,
 * so registry input with it is refused rather than normalised.
 */
export const TYPED_PLATE = /^[A-Za-z0-9][A-Za-z0-9 .·-]*$/;
