/**
 * Commands sent to a device on `cityedge/v1/{site}/{device}/cmd/{command}` and answered on
 * `…/cmd/{command}/response` with `{ status, data?, error?, transaction }` (zigbee2mqtt style).
 */
import { z } from 'zod';
import { idSchema, plateSchema, vehicleCategory } from './payloads.ts';

const operator = z.string().min(1).max(64);

export const commandArgs = {
  ping: z.strictObject({}),
  'gate.open': z.strictObject({ lane: idSchema, reason: z.string().min(1).max(200), by: operator }),
  'gate.close': z.strictObject({ lane: idSchema, reason: z.string().min(1).max(200), by: operator }),
  'review.decide': z.strictObject({
    reviewId: z.string().min(1).max(64),
    decision: z.enum(['approve', 'deny']),
    by: operator,
  }),
  'registry.upsert': z.strictObject({
    vehicles: z
      .array(
        z.strictObject({
          plate: plateSchema,
          owner: z.string().max(120),
          category: vehicleCategory,
          validFrom: z.number().int().optional(),
          validUntil: z.number().int().optional(),
        }),
      )
      .max(10_000),
  }),
  'registry.remove': z.strictObject({ plates: z.array(plateSchema).max(10_000) }),
  'signals.flash': z.strictObject({ intersection: idSchema, by: operator, reason: z.string().max(200) }),
  'signals.resetFlash': z.strictObject({ intersection: idSchema, by: operator }),
  'signals.hold': z.strictObject({ intersection: idSchema, phase: z.number().int().min(1), by: operator }),
  'signals.release': z.strictObject({ intersection: idSchema, by: operator }),
  'priority.request': z.strictObject({
    intersection: idSchema,
    vehicleId: z.string().min(1).max(64),
    routeId: z.string().max(64).optional(),
    phase: z.number().int().min(1).optional(),
    approach: z.string().max(32).optional(),
    /** Estimated arrival at the stop line, device wall-clock ms since epoch. */
    etaTs: z.number().int().min(0),
  }),
  'priority.cancel': z.strictObject({ intersection: idSchema, vehicleId: z.string().min(1).max(64) }),
} as const;

export type CommandName = keyof typeof commandArgs;
export const commandNames = Object.keys(commandArgs) as CommandName[];
export type CommandArgs<C extends CommandName> = z.infer<(typeof commandArgs)[C]>;

export const commandRequest = <C extends CommandName>(name: C) =>
  z.strictObject({ transaction: z.string().min(1).max(64), args: commandArgs[name] });

export const commandResponse = z.strictObject({
  status: z.enum(['ok', 'error']),
  data: z.unknown().optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  transaction: z.string().min(1).max(64),
});

export type CommandResponse = z.infer<typeof commandResponse>;
