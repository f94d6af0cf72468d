/**
 * Lot configuration and vehicle registry: zod v4 schemas, defaults in one place, and parsers that
 * return errors naming the offending field instead of throwing.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type VehicleCategory, vehicleCategory } from '../../core/contract/payloads.ts';
import { isPlausiblePlate, normalisePlate, TYPED_PLATE } from '../../core/plate.ts';
import { type ParkingError, type ParkingErrorCode, type ConfigResult, fail } from './errors.ts';

/** A GPIO line as the edge binding understands it: BCM number or line name. */
const pin = z.union([z.number().int().nonnegative(), z.string().min(1)]);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');
const day = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const bayKind = z.enum(['regular', 'disabled', 'ev', 'reserved']);

export const baySchema = z.object({
  id: z.string().min(1),
  kind: bayKind.default('regular'),
  /** Id the bay sensor reports on the serial bus. */
  sensor: z.string().min(1),
  /** Camera watching the bay (disabled bays: permit check). */
  camera: z.string().min(1).optional(),
  /** Warning light at the bay, lit while a non-permit car occupies a disabled bay (`bay.warning`). */
  warningLight: z.object({ output: pin }).optional(),
});

export const cameraSchema = z.object({
  id: z.string().min(1),
  /** HTTP snapshot endpoint of an IP camera. */
  snapshotUrl: z.string().url().optional(),
  /** Folder watched for frames when the camera pushes files. */
  folder: z.string().optional(),
});

export const laneSchema = z.object({
  id: z.string().min(1),
  direction: z.enum(['entry', 'exit']),
  armingLoop: z.object({ input: pin }),
  /** Safety loop under the boom or a photo-eye across it: the barrier never lowers while occupied. */
  safety: z.object({ kind: z.enum(['loop', 'photo-eye']).default('loop'), input: pin }),
  barrier: z.object({ output: pin, openLimit: pin, closedLimit: pin }),
  warningLight: z.object({ output: pin }).optional(),
  camera: cameraSchema.optional(),
  fullSign: z.object({ output: pin }).optional(),
  identify: z
    .object({
      /** Reads below this OCR confidence (0..1) are not trusted. */
      minConfidence: z.number().min(0).max(1).default(0.8),
      /** Frames to try before a low-confidence read goes to operator review. */
      maxFrames: z.number().int().min(1).max(20).default(3),
      /** No usable read within this time → review with the lane fallback. */
      timeoutMs: z.number().int().positive().default(5000),
      /** What the lane does while a review is pending. */
      fallback: z.enum(['deny', 'open', 'wait']).optional(),
    })
    .prefault({}),
  timing: z
    .object({
      /** Boom travel time allowed before the limit switch must report. */
      travelTimeoutMs: z.number().int().positive().default(6000),
      /** Barrier closes after this long open with nobody on the safety input. */
      maxOpenMs: z.number().int().positive().default(30000),
      /**
       * The safety input must read clear this long before it counts as clear (detector-card
       * "extension"): chatter never yields phantom passages. Occupied edges are never delayed.
       */
      safetyClearMs: z.number().int().nonnegative().default(300),
    })
    .prefault({}),
  /** Behaviour on a gate fault / mains loss. Default: exits fail open, entries hold. */
  onFault: z.enum(['open', 'hold']).optional(),
  onPowerLoss: z.enum(['open', 'hold']).optional(),
});

export const lotSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().default(''),
    /** IANA zone used for opening hours. */
    timezone: z.string().default('UTC'),
    capacity: z.number().int().positive(),
    policy: z
      .object({
        mode: z.enum(['registered-only', 'public', 'mixed']),
        /** mode=mixed: spaces kept for registered vehicles and disabled permits. */
        reservedCapacity: z.number().int().nonnegative().default(0),
      })
      .prefault({ mode: 'public' }),
    /** Empty = always open. Outside hours only staff and disabled permits enter. */
    openingHours: z.array(z.object({ days: z.array(day).min(1), open: hhmm, close: hhmm })).default([]),
    occupancy: z
      .object({
        /** A bay reading must be stable this long before the bay changes state. */
        debounceMs: z.number().int().nonnegative().default(2000),
        /** No reading from a bay sensor for this long → bay unknown. */
        sensorSilenceMs: z.number().int().positive().default(600_000),
        /** Gate count vs bay count differences shorter than this are cars in transit. */
        driftGraceMs: z.number().int().positive().default(300_000),
        /**
         * Time to drive from the entry to a bay, or from a bay to the exit: entries and bay
         * releases this recent explain a gate/bay difference.
         */
        transitMs: z.number().int().nonnegative().default(180_000),
        /** |gate − bays| above this (beyond cars in transit) is reported as drift. */
        driftTolerance: z.number().int().nonnegative().default(0),
        /** report: only report drift; correct: also reset the gate count to the bay count. */
        reconcile: z.enum(['report', 'correct']).default('report'),
      })
      .prefault({}),
    baySensorBus: z.object({ path: z.string().min(1), baudRate: z.number().int().positive() }).optional(),
    lanes: z.array(laneSchema).min(1),
    bays: z.array(baySchema),
  })
  .superRefine((lot, ctx) => {
    const unique = (ids: string[], what: string, path: string) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', message: `duplicate ${what} "${id}"`, path: [path, i] });
        seen.add(id);
      });
    };
    unique(
      lot.lanes.map((l) => l.id),
      'lane id',
      'lanes',
    );
    unique(
      lot.bays.map((b) => b.id),
      'bay id',
      'bays',
    );
    unique(
      lot.bays.map((b) => b.sensor),
      'bay sensor',
      'bays',
    );
    if (lot.bays.length > lot.capacity)
      ctx.addIssue({ code: 'custom', message: 'more bays than capacity', path: ['capacity'] });
    if (lot.policy.reservedCapacity >= lot.capacity)
      ctx.addIssue({
        code: 'custom',
        message: 'must be below capacity',
        path: ['policy', 'reservedCapacity'],
      });
  });

export type LotConfigInput = z.input<typeof lotSchema>;
export type LotConfig = z.output<typeof lotSchema>;
export type LaneConfig = LotConfig['lanes'][number];
export type BayConfig = LotConfig['bays'][number];
export type BayKind = z.output<typeof bayKind>;

/**
 * The contract's categories. `disabled-permit` is the spelling registry files used before the
 * contract's `disabled`; it still parses and {@link parseRegistry} warns about it.
 */
export const LEGACY_DISABLED = 'disabled-permit';
const categoryInFile = vehicleCategory.or(z.literal(LEGACY_DISABLED).transform(() => 'disabled' as const));
export type { VehicleCategory };

const DAY_MS = 86_400_000;
/** A date-only `validUntil` means "through the end of that day" (UTC). */
const dateLike = (endOfDay: boolean) =>
  z.union([z.string().min(1), z.date()]).transform((v, ctx) => {
    const ms = v instanceof Date ? v.getTime() : Date.parse(v);
    const dateOnly = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return endOfDay && dateOnly ? ms + DAY_MS - 1 : ms;
  });

export const vehicleSchema = z.object({
  plate: z
    .string()
    .max(12)
    .regex(TYPED_PLATE, 'letters, digits, spaces, dots or dashes only')
    .refine((p) => isPlausiblePlate(normalisePlate(p)), '2–10 letters or digits'),
  owner: z.string().default(''),
  category: categoryInFile,
  /** Epoch ms after parsing; ISO date or datetime in the file. */
  validFrom: dateLike(false).optional(),
  validUntil: dateLike(true).optional(),
  note: z.string().optional(),
});
export const registrySchema = z.object({ vehicles: z.array(vehicleSchema).default([]) });
export type VehicleRecord = z.output<typeof vehicleSchema>;
export type RegistryInput = z.input<typeof registrySchema>;
export type Registry = z.output<typeof registrySchema>;

function issuesToErrors(code: ParkingErrorCode, error: z.ZodError): ParkingError[] {
  return error.issues.map((i) => {
    const field = i.path.map(String).join('.');
    return fail(code, `${field || '(root)'}: ${i.message}`, field);
  });
}

function parseWith<S extends z.ZodType>(
  schema: S,
  code: ParkingErrorCode,
  raw: unknown,
): ConfigResult<z.output<S>> {
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: issuesToErrors(code, r.error) };
}

function parseText(text: string): ConfigResult<unknown> {
  try {
    return { ok: true, value: parseYaml(text) as unknown };
  } catch (err) {
    return { ok: false, error: [fail('CONFIG_YAML', err instanceof Error ? err.message : String(err))] };
  }
}

/** Validate an already-parsed lot object (from YAML, JSON or code). */
export function parseLotConfig(raw: unknown): ConfigResult<LotConfig> {
  return parseWith(lotSchema, 'CONFIG_INVALID', raw);
}

/** A parsed registry file, with what in it still parses but should be rewritten. */
export interface ParsedRegistry extends Registry {
  warnings: string[];
}

/** Validate a registry object. */
export function parseRegistry(raw: unknown): ConfigResult<ParsedRegistry> {
  const r = parseWith(registrySchema, 'REGISTRY_INVALID', raw);
  return r.ok ? { ok: true, value: { ...r.value, warnings: legacyWarnings(raw) } } : r;
}

function legacyWarnings(raw: unknown): string[] {
  const vehicles = (raw as { vehicles?: unknown } | null)?.vehicles;
  if (!Array.isArray(vehicles)) return [];
  const n = vehicles.filter((v) => (v as { category?: unknown } | null)?.category === LEGACY_DISABLED).length;
  return n === 0 ? [] : [`category "${LEGACY_DISABLED}" (${n} vehicles) is deprecated: write "disabled"`];
}

/** Parse lot YAML (or JSON) text. Pure: the caller reads the file. */
export function parseLotYaml(text: string): ConfigResult<LotConfig> {
  const r = parseText(text);
  return r.ok ? parseLotConfig(r.value) : r;
}

/** Parse registry YAML (or JSON) text. */
export function parseRegistryYaml(text: string): ConfigResult<ParsedRegistry> {
  const r = parseText(text);
  return r.ok ? parseRegistry(r.value) : r;
}

/** Fail-mode defaults: exits fail open so nobody is trapped; entries hold. */
export function faultMode(lane: LaneConfig): 'open' | 'hold' {
  return lane.onFault ?? (lane.direction === 'exit' ? 'open' : 'hold');
}
export function powerLossMode(lane: LaneConfig): 'open' | 'hold' {
  return lane.onPowerLoss ?? (lane.direction === 'exit' ? 'open' : 'hold');
}
/** Review fallback defaults: exits let the car out, entries wait for the operator. */
export function reviewFallback(lane: LaneConfig): 'deny' | 'open' | 'wait' {
  return lane.identify.fallback ?? (lane.direction === 'exit' ? 'open' : 'wait');
}
