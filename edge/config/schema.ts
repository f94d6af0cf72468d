/**
 * The edge agent's site configuration: one zod schema, strict (unknown keys are errors, so a typo
 * never silently falls back to a default), with defaults and ranges in one place.
 * Domain configs (the lot, the intersection) live in their own files and are referenced by path.
 */
import { z } from 'zod';
import { idSchema } from '../../core/contract/payloads.ts';

/** BCM GPIO line number on the Pi header (0–27), or any line on an expander (< 1024). */
const line = z.number().int().min(0).max(1023);
const path = z.string().min(1);

const tlsSchema = z.strictObject({
  /** PEM files; relative paths resolve against the config file's folder. */
  ca: path.optional(),
  cert: path.optional(),
  key: path.optional(),
  rejectUnauthorized: z.boolean().default(true),
  /** TLS SNI / certificate name when `url` uses an IP address. */
  servername: z.string().optional(),
});

const mqttSchema = z
  .strictObject({
    url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'must be mqtt://, mqtts://, ws:// or wss://'),
    /** Fixed, so the broker keeps our persistent session. Default `{site}.{device}`. */
    clientId: z.string().min(1).max(128).optional(),
    username: z.string().min(1).optional(),
    /** Prefer `${CITYEDGE_MQTT_PASSWORD}` or `passwordEnv` to a literal. */
    password: z.string().min(1).optional(),
    /** Name of the environment variable holding the password. */
    passwordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    tls: tlsSchema.optional(),
    keepaliveS: z.number().int().min(5).max(3600).default(30),
    reconnectPeriodMs: z.number().int().min(100).max(600_000).default(2_000),
    inflightWindow: z.number().int().min(1).max(10_000).default(100),
  })
  .refine((m) => !(m.password && m.passwordEnv), {
    message: 'give either password or passwordEnv, not both',
    path: ['passwordEnv'],
  })
  .refine((m) => !m.tls?.cert === !m.tls?.key, {
    message: 'client certificate needs both cert and key',
    path: ['tls'],
  });

const queueSchema = z.strictObject({
  path: path.default('/var/lib/cityedge/outbox.db'),
  maxEntries: z.number().int().min(100).default(1_000_000),
  maxMb: z.number().min(1).max(100_000).default(256),
  maxAgeH: z
    .number()
    .min(0.01)
    .max(24 * 365)
    .default(168),
});

const cameraSourceSchema = z.union([
  z.strictObject({ url: z.string().url() }),
  z.strictObject({ folder: path }),
]);

const hardwareSchema = z.strictObject({
  /** `pi`: onoff sysfs GPIO, real serial and cameras. `simulated`: in-memory GPIO, any serial path. */
  profile: z.enum(['pi', 'simulated']).default('pi'),
  /** Overrides the lot's `baySensorBus` (e.g. a socat pty in simulation). */
  serial: z.strictObject({ path, baudRate: z.number().int().positive().default(115_200) }).optional(),
  /** Overrides camera sources by camera id (URL snapshot or FTP-push folder). */
  cameras: z.record(z.string(), cameraSourceSchema).default({}),
  /** Toggled while the agent is healthy; an external hardware watchdog trips when it stops. */
  watchdog: z
    .strictObject({ output: line, periodMs: z.number().int().min(50).max(60_000).default(500) })
    .optional(),
  debounceMs: z.number().int().min(0).max(5_000).default(20),
  /** Simulated profile only: a WebSocket/HTTP port exposing the simulated lines to simulators. */
  simulatorPort: z.number().int().min(0).max(65_535).optional(),
});

const headLines = z.strictObject({ red: line, yellow: line.optional(), green: line.optional() });

/** The parking feature's section (edge/agent/parking). */
export const parkingSchema = z.strictObject({
  lot: path,
  registry: path,
  /** Run LPR on the lane cameras; false uses only loops and operator decisions. */
  lpr: z.boolean().default(true),
  ocrWorkers: z.number().int().min(0).max(4).default(1),
  /** Plate reader engine: onnx (PP-OCRv4; tesseract stands in if its models cannot load) or tesseract. */
  lprEngine: z.enum(['onnx', 'tesseract']).default('onnx'),
  /** Plate formats, most expected first; `generic` last reads foreign plates too. */
  lprTemplates: z
    .array(z.enum(['mercosur', 'legacy', 'generic']))
    .min(1)
    .default(['mercosur', 'legacy', 'generic']),
  /** Lot sensor name → address on the serial bus. Default: the N-th bay has address N. */
  sensorAddresses: z.record(z.string(), z.number().int().min(0).max(65_535)).optional(),
  /** Camera frames kept on the edge for the in/out log (thumbnails go up with each read). */
  frames: z
    .strictObject({
      /** Default: `frames/` beside the outbox; none when the outbox is in memory. */
      dir: path.optional(),
      maxFiles: z.number().int().min(10).default(20_000),
      maxMb: z.number().min(1).max(1_000_000).default(2_048),
      maxAgeH: z
        .number()
        .min(1)
        .max(24 * 3650)
        .default(24 * 30),
    })
    .prefault({}),
});

/** One intersection of the signals feature (edge/agent/signals). */
export const signalsSchema = z.strictObject({
  /** Intersection YAML (controllers/signals schema). */
  config: path,
  /** Detector id → GPIO input line (loop amplifier output). */
  detectorInputs: z.record(z.string(), line).default({}),
  /** Signal group id → load-switch output lines. */
  headOutputs: z.record(z.string(), headLines).default({}),
});

/** One crossing of the ped-buttons feature (edge/agent/ped-buttons): a push button on a GPIO input. */
export const pedButtonSchema = z.strictObject({
  /** Crossing id: the `{crossing}` of the `pedPresses` topic. */
  crossing: idSchema,
  /** GPIO input line of the button (debounced by hardware.debounceMs). */
  input: line,
  /** True when a press pulls the line low (button to ground with a pull-up, the usual wiring). */
  activeLow: z.boolean().default(false),
  /** A press this long after the previous call is a new call. Default 2 s. */
  lockoutMs: z.number().int().min(0).max(600_000).default(2_000),
  /** Counting period, aligned to the wall clock. Default 15 min (as traffic counts). */
  periodS: z.number().int().min(60).max(86_400).default(900),
});

export const edgeConfigSchema = z
  .strictObject({
    site: idSchema,
    device: idSchema,
    hardware: hardwareSchema.prefault({}),
    mqtt: mqttSchema,
    queue: queueSchema.prefault({}),
    health: z.strictObject({ intervalS: z.number().min(1).max(86_400).default(60) }).prefault({}),
    parking: parkingSchema.optional(),
    signals: z.array(signalsSchema).max(8).default([]),
    pedButtons: z.array(pedButtonSchema).max(32).default([]),
    log: z
      .strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') })
      .prefault({}),
  })
  .refine((c) => c.parking !== undefined || c.signals.length > 0 || c.pedButtons.length > 0, {
    message: 'configure at least one of parking, signals or pedButtons',
    path: ['parking'],
  });

export type EdgeConfigInput = z.input<typeof edgeConfigSchema>;
export type EdgeConfig = z.output<typeof edgeConfigSchema>;
