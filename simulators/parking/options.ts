/** Simulation options: traffic mix, behaviour rates and fault rates, defaulted and range-checked. */
import { z } from 'zod';

const rate = z.number().min(0).max(1);

// Strict: a misspelt option is an error, not silently ignored.
export const simOptionsSchema = z.strictObject({
  seed: z.number().int().default(1),
  /** Simulated start, epoch ms (default: a Monday 07:00 in Asunción). */
  startMs: z.number().default(Date.parse('2026-11-23T10:00:00Z')),
  /** Simulated duration. */
  durationMs: z.number().positive().default(3_600_000),
  /** Arrivals keep coming until this long before the end, so the lot can drain. */
  arrivalsStopBeforeEndMs: z.number().nonnegative().default(0),
  /** Simulated ms per wall ms (120 → one hour in 30 s). */
  speed: z.number().positive().max(1000).default(120),
  /** Multiplies the time-of-day arrival profile. */
  demand: z.number().positive().default(1),
  /** Mean stay; stays are exponential with a floor of `minStayMs`. */
  meanStayMs: z
    .number()
    .positive()
    .default(40 * 60_000),
  /** Shortest stay (even a quick errand parks a few minutes). */
  minStayMs: z
    .number()
    .nonnegative()
    .default(3 * 60_000),
  mix: z
    .object({
      staff: rate.default(0.4),
      registeredVisitor: rate.default(0.05),
      disabledPermit: rate.default(0.05),
      blocklisted: rate.default(0.02),
      /** Remainder: unregistered public visitors. */
    })
    .prefault({}),
  rates: z
    .object({
      /** A non-permit vehicle parks in a disabled bay. */
      disabledBayMisuse: rate.default(0.05),
      /** A second vehicle follows through the same opening. */
      tailgate: rate.default(0.02),
      /** OCR reads one character wrong (a confusable glyph). */
      ocrOneCharError: rate.default(0.05),
      /** OCR returns nothing usable for a frame. */
      ocrUnreadable: rate.default(0.02),
      /** A bay sensor goes silent for `dropoutMs`. */
      sensorDropout: rate.default(0),
      /** A lane camera snapshot times out. */
      cameraTimeout: rate.default(0),
      /** Each byte on the bay-sensor bus is corrupted (one bit flipped) with this probability. */
      serialByteError: rate.default(0),
    })
    .prefault({}),
  /**
   * Lane camera frames. Default: the LPR benchmark's conditions (640×480, `realistic` degradation:
   * blur, motion, noise, shadow, night, JPEG), so a run's plate-read rate is comparable with the
   * rate `docs/lpr.md` promises.
   */
  cameraFrames: z
    .object({
      width: z.number().int().min(160).max(1920).default(640),
      height: z.number().int().min(120).max(1080).default(480),
      degrade: z.enum(['none', 'realistic', 'harsh']).default('realistic'),
    })
    .prefault({}),
  dropoutMs: z
    .number()
    .positive()
    .default(15 * 60_000),
  /** The simulated operator answers reviews after this long (0 = never). */
  operatorDelayMs: z.number().nonnegative().default(20_000),
});
export type SimOptions = z.output<typeof simOptionsSchema>;
export type SimOptionsInput = z.input<typeof simOptionsSchema>;

/**
 * Campus arrivals per hour by local hour (0–23): morning peak for 07:00 classes, a midday swap,
 * an evening peak for night courses. Shape from typical university-lot occupancy curves.
 */
export const CAMPUS_PROFILE: readonly number[] = [
  0, 0, 0, 0, 0, 2, 20, 60, 45, 25, 20, 18, 25, 30, 20, 15, 15, 30, 40, 20, 8, 3, 1, 0,
];

/** Local hour in the lot's zone (UTC−3 for Asunción in summer time; enough for a profile). */
export function arrivalsPerHour(epochMs: number, utcOffsetH: number, demand: number): number {
  const hour = Math.floor((((epochMs / 3_600_000 + utcOffsetH) % 24) + 24) % 24);
  return (CAMPUS_PROFILE[hour] ?? 0) * demand;
}
