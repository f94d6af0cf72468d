/**
 * Payload schemas of the MQTT contract `cityedge/v1`. Every message body is an {@link envelope}:
 * `{ id, ts, data }`, where `id` is unique per message and `ts` is the device's own wall-clock
 * time, so ingest can deduplicate replays after store-and-forward.
 */
import { z } from 'zod';
import { NORMALISED_PLATE } from '../plate.ts';

/** Site, device, bay, lane and intersection ids: lowercase, MQTT-safe (no `+`, `#`, `/`). */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1–64 chars of a-z, 0-9, "-" or "_"');

const epochMs = z.number().int().min(0);
export const plateSchema = z.string().regex(NORMALISED_PLATE, 'normalised plate: A-Z and 0-9 only');
/** Registry categories, as stored by the broker and sent in `registry.upsert`. */
export const vehicleCategory = z.enum(['staff', 'visitor', 'disabled', 'blocklisted']);
export type VehicleCategory = z.infer<typeof vehicleCategory>;
const confidence = z.number().min(0).max(1);
const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/** Wraps a data schema in the envelope every message carries. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.strictObject({
    /** Unique message id (UUID or ULID), stable across retries and replays. */
    id: z.string().min(8).max(64),
    /** Device wall-clock time of the observation, ms since the Unix epoch. */
    ts: epochMs,
    data,
  });
}

export const availability = z.strictObject({
  state: z.enum(['online', 'offline']),
  version: z.string().max(32).optional(),
  startedAt: epochMs.optional(),
});

export const health = z.strictObject({
  uptimeS: z.number().min(0),
  cpuTempC: z.number().nullable(),
  memUsedMb: z.number().min(0),
  memTotalMb: z.number().min(0),
  rssMb: z.number().min(0),
  diskFreeMb: z.number().nullable(),
  load1: z.number().min(0),
  queueDepth: z.number().int().min(0),
  queueDropped: z.number().int().min(0),
  serial: z
    .strictObject({
      state: z.enum(['up', 'down']),
      reconnects: z.number().int().min(0),
      badFrames: z.number().int().min(0),
    })
    .nullable(),
  cameras: z.record(z.string(), z.enum(['ok', 'error', 'timeout', 'unknown'])),
  /** Seconds until the next report: a viewer calls the data stale after missing a few. */
  intervalS: z.number().positive().optional(),
});

export const sensorReading = z.strictObject({
  sensor: z.string().min(1).max(64),
  kind: z.enum(['occupancy', 'heartbeat', 'battery', 'status']),
  occupied: z.boolean().optional(),
  raw: z.number().optional(),
  batteryMv: z.number().optional(),
  status: z.string().max(64).optional(),
});

// ---- parking -------------------------------------------------------------------------

/** FIWARE ParkingSpot status names. */
export const bayStatus = z.enum(['free', 'occupied', 'closed', 'unknown']);

/** Lot counts with FIWARE OffStreetParking attribute names. */
export const parkingLot = z.strictObject({
  totalSpotNumber: z.number().int().min(0),
  availableSpotNumber: z.number().int().min(0),
  occupiedSpotNumber: z.number().int().min(0),
  unknownSpotNumber: z.number().int().min(0),
  full: z.boolean(),
  /** Vehicles inside by gate counts minus occupied bays by sensors. */
  drift: z.number().int(),
  disabled: z.strictObject({ total: z.number().int().min(0), available: z.number().int().min(0) }),
});

export const parkingBay = z.strictObject({
  bay: idSchema,
  kind: z.enum(['regular', 'disabled', 'ev', 'reserved']),
  status: bayStatus,
  since: epochMs,
});

export const gateState = z.strictObject({
  lane: idSchema,
  direction: z.enum(['entry', 'exit']),
  state: z.string().min(1).max(32),
  barrier: z.enum(['up', 'down', 'moving', 'unknown']),
  fault: z.string().max(128).nullable(),
});

export const parkingEvent = z.strictObject({
  kind: z.enum([
    'entry',
    'exit',
    'denied',
    'review',
    'reviewDecided',
    'tailgating',
    'disabledViolation',
    'fault',
    'operator',
    'drift',
    'full',
  ]),
  lane: idSchema.optional(),
  bay: idSchema.optional(),
  plate: plateSchema.nullable().optional(),
  confidence: confidence.optional(),
  decision: z.enum(['open', 'deny', 'hold']).optional(),
  reason: z.string().max(200).optional(),
  stayS: z.number().min(0).optional(),
  frameRef: z.string().max(200).optional(),
  /** Set on `review` and `reviewDecided`: the id an operator answers with `review.decide`. */
  reviewId: z.string().min(1).max(64).optional(),
  by: z.string().max(64).optional(),
});

/** Reviews waiting for an operator (retained state, so a control room opened later sees them). */
export const parkingReviews = z.strictObject({
  pending: z
    .array(
      z.strictObject({
        reviewId: z.string().min(1).max(64),
        lane: idSchema,
        plate: plateSchema.nullable(),
        confidence: confidence.optional(),
        reason: z.string().max(200),
        since: epochMs,
        frameRef: z.string().max(200).optional(),
      }),
    )
    .max(100),
});

export const lprRead = z.strictObject({
  camera: z.string().min(1).max(64),
  lane: idSchema.optional(),
  plate: plateSchema.nullable(),
  confidence,
  box: boxSchema.nullable(),
  candidates: z.array(z.strictObject({ plate: plateSchema, confidence })).max(10),
  ms: z.number().min(0),
  frameRef: z.string().max(200).optional(),
  /** Small JPEG thumbnail, base64; full frames stay on the edge (retention). */
  thumbnail: z.string().max(64_000).optional(),
});

/**
 * A camera's last frame with the plate read on it: retained state, so a control room opened (or
 * reloaded) between two reads still sees every camera's picture; `lprRead` is the event log.
 */
export const cameraFrame = z.strictObject({
  camera: z.string().min(1).max(64),
  lane: idSchema.optional(),
  bay: idSchema.optional(),
  plate: plateSchema.nullable(),
  confidence,
  /** Plate box `[x, y, w, h]` in full-frame pixels (see `frameSize`). */
  box: boxSchema.nullable(),
  /** Full frame `[width, height]` in pixels: the box's coordinate space (the thumbnail is smaller). */
  frameSize: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  frameRef: z.string().max(200).optional(),
  /** Small JPEG thumbnail, base64 (the same as the read's). */
  thumbnail: z.string().min(1).max(64_000),
});

// ---- signals -------------------------------------------------------------------------

export const headState = z.enum([
  'red',
  'yellow',
  'green',
  'greenArrow',
  'yellowArrow',
  'flashingYellowArrow',
  'flashingYellow',
  'flashingRed',
  'dark',
  // Pedestrian heads (MUTCD 4E): WALK, flashing DON'T WALK (clearance), steady DON'T WALK.
  'walk',
  'flashingDontWalk',
  'dontWalk',
]);

export const signalHeads = z.strictObject({
  mode: z.enum(['startup', 'normal', 'preemption', 'flash', 'hold']),
  groups: z.record(z.string(), headState),
});

export const spat = z.strictObject({
  mode: z.enum(['startup', 'normal', 'preemption', 'flash', 'hold']),
  rings: z.array(
    z.strictObject({
      ring: z.number().int().min(1),
      phase: z.number().int().nullable(),
      interval: z.string().max(32),
      minEndMs: z.number().nullable(),
      maxEndMs: z.number().nullable(),
      timeToChangeMs: z.number().nullable(),
    }),
  ),
});

/** Indiana Traffic Signal Hi-Resolution Data Logger Enumerations; ts at decisecond resolution. */
export const hiResBatch = z.strictObject({
  events: z
    .array(
      z.strictObject({
        ts: epochMs,
        code: z.number().int().min(0).max(255),
        param: z.number().int().min(0).max(65535),
      }),
    )
    .min(1)
    .max(1000),
});

export const cycleMeasures = z.strictObject({
  cycle: z.number().int().min(0),
  startTs: epochMs,
  lengthS: z.number().min(0),
  phases: z.array(
    z.strictObject({
      phase: z.number().int(),
      greenS: z.number().min(0),
      termination: z.enum(['gapOut', 'maxOut', 'forceOff', 'skip', 'preempt', 'hold']),
      arrivalsOnGreen: z.number().int().min(0),
      arrivalsOnRed: z.number().int().min(0),
      splitFailure: z.boolean(),
      utilisation: z.number().min(0).max(1),
      redLightViolations: z.number().int().min(0),
    }),
  ),
  preemptions: z.array(z.strictObject({ vehicleId: z.string().max(64), durationS: z.number().min(0) })),
});

export const vehicleClass = z.enum(['motorcycle', 'car', 'van', 'heavy']);

export const trafficCounts = z.strictObject({
  periodStart: epochMs,
  periodS: z.number().int().min(1),
  counts: z.array(
    z.strictObject({
      detector: z.string().max(64),
      direction: z.string().max(16),
      lane: z.number().int().min(0).optional(),
      movement: z.string().max(32).optional(),
      vehicleClass,
      count: z.number().int().min(0),
    }),
  ),
});

/** Pedestrian push-button presses at one crossing per period (edge/agent/ped-buttons). */
export const pedPresses = z.strictObject({
  periodStart: epochMs,
  periodS: z.number().int().min(1),
  /** Debounced presses. */
  presses: z.number().int().min(0),
  /** Presses that opened a new demand; presses inside the lockout after one (a person pressing again) are not calls. */
  calls: z.number().int().min(0),
});

export const signalAlarm = z.strictObject({
  kind: z.enum(['conflict', 'minGreen', 'yellow', 'redClearance', 'detectorFault', 'flash', 'reset']),
  detail: z.string().max(500),
  latched: z.boolean(),
  phase: z.number().int().optional(),
  detector: z.string().max(64).optional(),
});

/** An emergency vehicle's position along a pre-shared route (published by the vehicle unit). */
export const evPosition = z.strictObject({
  vehicleId: z.string().min(1).max(64),
  routeId: z.string().min(1).max(64),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  /** Distance already driven along the route, m. */
  routeOffsetM: z.number().min(0),
  speedMps: z.number().min(0),
  active: z.boolean(),
});
