/**
 * Broker options: typed, defaulted and range-checked in one place (zod), from a JSON or YAML
 * file and/or CLI flags. Defaults run a single embedded node with no external services.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CityEdgeError, err, ok, type Result } from '../core/errors.ts';
import { loginLimitsSchema } from './auth/lockout.ts';

const port = z.number().int().min(0).max(65535);

export const brokerConfigSchema = z.strictObject({
  /** 0 = pick a free port (tests). */
  mqttPort: port.default(1883),
  httpPort: port.default(8080),
  host: z.string().default('0.0.0.0'),
  tls: z
    .strictObject({
      /** MQTT over TLS (mqtts://). */
      port: port.default(8883),
      /** HTTPS API, dashboard and MQTT over secure WebSocket (wss://…/mqtt); absent = none. */
      httpsPort: port.optional(),
      certFile: z.string(),
      keyFile: z.string(),
      /** CA that signs device client certificates (CN = `site.device`). */
      caFile: z.string().optional(),
      /** Serve TLS only: the plain MQTT TCP and plain HTTP/WebSocket listeners are not opened. */
      only: z.boolean().default(false),
    })
    // Without an HTTPS listener a TLS-only broker would have no API, dashboard or WebSocket at all.
    .refine((t) => !t.only || t.httpsPort !== undefined, {
      message: 'tls.only needs tls.httpsPort (else there is no HTTP API at all)',
      path: ['httpsPort'],
    })
    .optional(),
  dataDir: z.string().default('data/broker'),
  /** Redis for durable sessions/retained and several broker processes; absent = in memory. */
  redis: z.strictObject({ host: z.string().default('127.0.0.1'), port: port.default(6379) }).optional(),
  /**
   * PostgreSQL for users, devices, registry and audit shared by every node of a cluster;
   * absent = SQLite in `dataDir` (one node).
   */
  postgres: z
    .strictObject({
      url: z.string().regex(/^postgres(ql)?:\/\//, 'postgres://user:password@host:port/database'),
      /** Connections per node; size the server's max_connections for nodes × poolMax. */
      poolMax: z.number().int().min(1).max(200).default(10),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/)
        .optional(),
    })
    .optional(),
  /**
   * Ingest-only mode: subscribe to an external MQTT cluster (devices connect there) instead of
   * being the devices' broker; workers with one `group` split the load (MQTT 5 `$share`).
   */
  external: z
    .strictObject({
      url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//),
      username: z.string().optional(),
      password: z.string().optional(),
      /** Stable per worker (the persistent session is keyed by it); default from nodeId. */
      clientId: z.string().min(1).max(64).optional(),
      group: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/)
        .default('cityedge-ingest'),
      shared: z.boolean().default(true),
      sessionExpiryS: z.number().int().min(0).default(3600),
    })
    .optional(),
  influx: z
    .strictObject({
      url: z.string().url(),
      database: z
        .string()
        .regex(/^[A-Za-z0-9_]+$/)
        .default('cityedge'),
      batchPoints: z.number().int().min(1).max(100_000).default(5000),
      flushMs: z.number().int().min(10).max(60_000).default(1000),
      /** Bound of the on-disk spool used while InfluxDB is down. */
      spoolMaxPoints: z.number().int().min(1000).default(50_000_000),
      rawRetention: z
        .string()
        .regex(/^\d+[hdw]$/)
        .default('30d'),
      rollupRetention: z
        .string()
        .regex(/^\d+[hdw]$|^INF$/)
        .default('730d'),
      /** Device time ahead of the broker's by more than this is refused: a clock that far ahead is broken. */
      maxFutureS: z.number().int().min(0).default(900),
      /**
       * When a QoS 1 PUBACK is sent: `fsync` once the points are fsynced to the ingest WAL (survives
       * power loss), `write` once written to the OS (survives kill -9), `off` on receipt (memory).
       */
      durableAck: z.enum(['fsync', 'write', 'off']).default('fsync'),
    })
    .optional(),
  jwtSecret: z.string().min(16).optional(),
  tokenTtlS: z
    .number()
    .int()
    .min(60)
    .default(12 * 3600),
  /**
   * How long a user's token version is cached: a token revoked on another node of a cluster
   * (user deleted, demoted, new password) is refused and its MQTT session dropped within this.
   * 0 = read the store on every request.
   */
  tokenCheckCacheMs: z.number().int().min(0).max(60_000).default(1000),
  admin: z.strictObject({ username: z.string(), password: z.string().min(8) }).optional(),
  /** Failed-login lockout per account and per source, HTTP and MQTT (broker/auth/lockout.ts). */
  login: loginLimitsSchema,
  limits: z
    .strictObject({
      maxPayloadBytes: z
        .number()
        .int()
        .min(256)
        .default(256 * 1024),
      /**
       * Largest MQTT packet (remaining length) read at all; a bigger one closes the connection
       * as soon as its fixed header arrives. Default maxPayloadBytes + 1 kB (topic, packet id).
       */
      maxPacketBytes: z.number().int().min(256).max(268_435_455).optional(),
      maxConnections: z.number().int().min(1).default(20_000),
      /** Per-client token bucket: sustained messages/s and burst. */
      ratePerS: z.number().min(1).default(200),
      burst: z.number().min(1).default(1000),
    })
    .default({ maxPayloadBytes: 256 * 1024, maxConnections: 20_000, ratePerS: 200, burst: 1000 }),
  dashboardDir: z.string().optional(),
  /** The city plan (JSON, core/contract/plan.ts) the control room draws; served at GET /api/plan. */
  cityPlan: z.string().optional(),
  nodeId: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
});

export type BrokerConfig = z.infer<typeof brokerConfigSchema>;

/** Bytes of topic and packet id a PUBLISH may carry beside a payload of maxPayloadBytes. */
const PACKET_OVERHEAD_BYTES = 1024;

/** The MQTT packet size limit in force (see limits.maxPacketBytes). */
export const maxPacketBytes = (limits: BrokerConfig['limits']): number =>
  limits.maxPacketBytes ?? limits.maxPayloadBytes + PACKET_OVERHEAD_BYTES;
export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;

export function parseConfig(input: unknown): Result<BrokerConfig> {
  const parsed = brokerConfigSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return err(new CityEdgeError('CONFIG_INVALID', `broker config: ${issues.join('; ')}`, issues));
}

export function loadConfigFile(file: string): Result<unknown> {
  try {
    const text = readFileSync(file, 'utf8');
    return ok(file.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
  } catch (e) {
    return err(new CityEdgeError('CONFIG_UNREADABLE', `${file}: ${(e as Error).message}`));
  }
}

/** `dashboard/dist` when built, else the reserved `broker/public/` folder. */
export function defaultDashboardDir(cwd = process.cwd()): string {
  const dist = resolve(cwd, 'dashboard/dist');
  return existsSync(dist) ? dist : join(import.meta.dirname, 'public');
}
