/**
 * `startBroker(options)`: aedes over TCP/TLS/WebSocket with auth, ACL and limits; contract
 * validation and dead letters; ingest into InfluxDB; SQLite registry/users/audit; HTTP API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { DLQ_ROOT } from './auth/acl.ts';
import type { Identity } from './auth/identity.ts';
import { LoginGuard } from './auth/lockout.ts';
import { hashPassword } from './auth/passwords.ts';
import { TokenIssuer } from './auth/tokens.ts';
import { TokenVersions, verifyCurrent } from './auth/versions.ts';
import { CommandRelay } from './commands.ts';
import { type BrokerConfig, type BrokerConfigInput, defaultDashboardDir, parseConfig } from './config.ts';
import { openPostgresStore } from './db/postgres.ts';
import { openSqliteStore } from './db/sqlite-store.ts';
import type { AccountStore, Store } from './db/store.ts';
import { adminRoutes } from './api/routes-admin.ts';
import { controlRoomRoutes } from './api/routes-control-room.ts';
import { coreRoutes } from './api/routes-core.ts';
import type { ApiDeps } from './api/deps.ts';
import { createApiHandler } from './api/http.ts';
import { historyRoutes } from './api/routes-history.ts';
import { staticFiles } from './api/static.ts';
import { Ingest } from './ingest/ingest.ts';
import { Counters } from './metrics.ts';
import { ackAfterDurable, createAedes } from './mqtt/aedes.ts';
import { watchClientErrors } from './mqtt/client-errors.ts';
import { BrokerHooks, purgeRetainedCommands } from './mqtt/hooks.ts';
import { startListeners } from './mqtt/listeners.ts';
import { forbidRetainedCommands } from './mqtt/retain-guard.ts';
import { startBridge } from './external/bridge.ts';
import { type CityPlan, checkPlan } from '../core/contract/plan.ts';
import { CityEdgeError } from '../core/errors.ts';

export type { BrokerConfigInput } from './config.ts';

export interface RunningBroker {
  /** Plain MQTT TCP and HTTP/WebSocket ports; 0 when off (`tls.only`). */
  mqttPort: number;
  httpPort: number;
  tlsPort?: number;
  /** HTTPS API and MQTT over secure WebSocket (`tls.httpsPort`). */
  httpsPort?: number;
  nodeId: string;
  counters: Counters;
  ingest: Ingest | null;
  accounts: AccountStore;
  store: Store;
  /** Waits until every accepted point is written to InfluxDB or spooled. */
  flushIngest(): Promise<void>;
  close(): Promise<void>;
}

/** The configured plan, refused at start with the reasons (a typo must not draw half a city). */
function readCityPlan(file: string): CityPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CityEdgeError('CONFIG_CITY_PLAN', `cityPlan ${file}: ${(e as Error).message}`);
  }
  const checked = checkPlan(json);
  if (!checked.ok) throw new CityEdgeError('CONFIG_CITY_PLAN', `cityPlan ${file}: ${checked.error.message}`);
  return checked.value;
}

/** A stable per-data-dir secret when none is configured (set `jwtSecret` for several nodes). */
function jwtSecret(config: BrokerConfig): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function bootstrapAdmin(accounts: AccountStore, config: BrokerConfig, log: Logger): Promise<void> {
  const admin =
    config.admin ??
    (process.env.CITYEDGE_ADMIN_PASSWORD
      ? { username: 'admin', password: process.env.CITYEDGE_ADMIN_PASSWORD }
      : undefined);
  if (!admin) return;
  if (await accounts.createUser(admin.username, await hashPassword(admin.password), 'admin')) {
    log.info({ username: admin.username }, 'created the first admin user');
  }
}

/** PostgreSQL when configured (one registry for a cluster), else SQLite in the data folder. */
function openStore(config: BrokerConfig): Promise<Store> {
  if (config.postgres) return openPostgresStore(config.postgres);
  return Promise.resolve(openSqliteStore(join(config.dataDir, 'broker.db')));
}

export async function startBroker(options: BrokerConfigInput = {}, logger?: Logger): Promise<RunningBroker> {
  const parsed = parseConfig(options);
  if (!parsed.ok) throw parsed.error;
  const config = parsed.value;
  const plan = config.cityPlan ? readCityPlan(config.cityPlan) : null; // before anything is opened
  const log = logger ?? pino({ name: 'broker', level: config.logLevel });
  const nodeId = config.nodeId ?? `broker-${randomUUID().slice(0, 8)}`;
  mkdirSync(config.dataDir, { recursive: true });

  const store = await openStore(config);
  const { accounts, registry, audit } = store;
  await bootstrapAdmin(accounts, config, log);
  const tokens = new TokenIssuer(jwtSecret(config), config.tokenTtlS);
  const versions = new TokenVersions((u) => accounts.tokenVersion(u), config.tokenCheckCacheMs);
  const checkToken = (token: string) => verifyCurrent(tokens, versions, token);
  const counters = new Counters();
  const logins = new LoginGuard(config.login, counters);

  const ingest = config.influx ? new Ingest(config.influx, config.dataDir, counters, log) : null;
  if (ingest) await ingest.start();
  else log.info('ingest disabled: no influx.url configured (history endpoints answer 503)');

  const hooks = new BrokerHooks({
    accounts,
    checkToken,
    versions,
    recheckMs: Math.max(100, config.tokenCheckCacheMs),
    counters,
    log,
    limits: config.limits,
    logins,
    onValid: (msg) => ingest?.add(msg),
    onUserCommand: (msg, id: Identity & { type: 'user' }, claimedBy) => {
      audit
        .record({
          actor: id.username,
          role: id.role,
          action: 'command',
          target: `${msg.params.site}/${msg.params.device}/${msg.params.command}`,
          detail: JSON.stringify({ ...msg.payload, claimedBy }),
          outcome: 'sent (mqtt)',
        })
        .catch((e: unknown) => {
          // The command went out; a lost audit row is counted and logged, never a crash.
          counters.inc('audit.failed');
          log.error({ err: e }, 'audit write failed');
        });
    },
  });
  const core = await createAedes(config, nodeId);
  hooks.install(core.broker);
  forbidRetainedCommands(core.broker, core.retained, counters);
  const purged = await purgeRetainedCommands(core.retained);
  if (purged.length > 0) {
    counters.inc('mqtt.purged.retainedCommands', purged.length);
    log.warn({ topics: purged.slice(0, 20) }, `mqtt: deleted ${purged.length} retained command(s)`);
  }
  watchClientErrors(core.broker, counters, log);
  if (ingest?.wal) ackAfterDurable(core.broker, ingest.wal);
  if (ingest) {
    // Points InfluxDB refused after acknowledgement: operators see them on the dead-letter topic.
    ingest.onDeadLetter = (letter) =>
      core.broker.publish(
        {
          cmd: 'publish',
          topic: `${DLQ_ROOT}/${letter.site}/${letter.device}`,
          payload: Buffer.from(JSON.stringify(letter)),
          qos: 0,
          retain: false,
          dup: false,
        },
        () => undefined,
      );
  }
  const relay = new CommandRelay(core.broker, audit, counters);
  await relay.start();
  const bridge = config.external
    ? await startBridge(
        {
          ...config.external,
          clientId: config.external.clientId ?? `cityedge-ingest-${nodeId}`,
          maxPayloadBytes: config.limits.maxPayloadBytes,
        },
        { local: core.broker, counters, log, onValid: (msg) => ingest?.add(msg) },
      )
    : null;

  const deps: ApiDeps = {
    accounts,
    registry,
    audit,
    tokens,
    logins,
    revoked: async (username) => {
      versions.forget(username);
      await hooks.recheckSessions(username);
    },
    counters,
    ingest,
    relay,
    retained: core.retained,
    broker: core.broker,
    log,
    nodeId,
    startedAt: Date.now(),
    plan,
  };
  const api = createApiHandler(
    [...coreRoutes(deps), ...historyRoutes(deps), ...adminRoutes(deps), ...controlRoomRoutes(deps)],
    checkToken,
    counters,
    staticFiles(config.dashboardDir ?? defaultDashboardDir()),
  );
  const listeners = await startListeners(core.broker, config, (req, res) => void api(req, res));
  log.info(
    {
      mqttPort: listeners.mqttPort,
      httpPort: listeners.httpPort,
      tlsPort: listeners.tlsPort,
      httpsPort: listeners.httpsPort,
      tlsOnly: config.tls?.only ?? false,
      nodeId,
    },
    'broker listening',
  );

  let closing: Promise<void> | undefined;
  return {
    mqttPort: listeners.mqttPort ?? 0,
    httpPort: listeners.httpPort ?? 0,
    ...(listeners.tlsPort === undefined ? {} : { tlsPort: listeners.tlsPort }),
    ...(listeners.httpsPort === undefined ? {} : { httpsPort: listeners.httpsPort }),
    nodeId,
    counters,
    ingest,
    accounts,
    store,
    flushIngest: () => ingest?.flush() ?? Promise.resolve(),
    close: () => {
      closing ??= (async () => {
        hooks.stop();
        const stopped = listeners.close();
        await bridge?.close();
        await relay.stop();
        await core.close();
        await stopped;
        await ingest?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
