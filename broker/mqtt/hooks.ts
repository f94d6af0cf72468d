/**
 * aedes hooks: authentication (password, token or TLS client certificate), ACL, payload size
 * and rate limits, and contract validation of every device message before it is acknowledged.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Aedes, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import type { Logger } from 'pino';
import { type DecodedMessage, decodeMessage, ROOT } from '../../core/contract/index.ts';
import { CityEdgeError } from '../../core/errors.ts';
import { canPublish, canSubscribe, isCommandTopic } from '../auth/acl.ts';
import { VerifiedCache } from '../auth/cache.ts';
import { describe, type Identity } from '../auth/identity.ts';
import { type LoginGuard, type LoginRefusal, refusalMessage, sourceKey } from '../auth/lockout.ts';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords.ts';
import { looksLikeJwt } from '../auth/tokens.ts';
import { isRevoked, type TokenCheck, type TokenVersions } from '../auth/versions.ts';
import { byOverwritten, stampActor } from '../commands.ts';
import type { BrokerConfig } from '../config.ts';
import type { AccountStore } from '../db/store.ts';
import { TokenBucket } from '../limits.ts';
import type { Counters } from '../metrics.ts';
import type { RetainedStore } from './aedes.ts';
import { deadLetter, dlqTopic } from './dlq.ts';
import { stripRetainedCommand } from './retain-guard.ts';

export interface HookDeps {
  accounts: AccountStore;
  /** Full token check (signature, expiry, revocation) for users logging in with a JWT. */
  checkToken: TokenCheck;
  /** Re-checks connected users' token versions (revocation drops their sessions). */
  versions: TokenVersions;
  /** How often connected users' tokens are re-checked (the version cache's TTL). */
  recheckMs: number;
  counters: Counters;
  log: Logger;
  limits: BrokerConfig['limits'];
  /** Failed-login lockout, shared with the HTTP login. */
  logins: LoginGuard;
  /** A device message that passed the contract (ingest, live state); an error dead-letters it. */
  onValid: (msg: DecodedMessage, identity: Identity) => CityEdgeError | undefined;
  /** A command published over MQTT by an operator (audit). */
  /** `claimedBy`: a different `by` the operator wrote, overwritten before the device saw it. */
  onUserCommand: (msg: DecodedMessage, identity: Identity & { type: 'user' }, claimedBy?: string) => void;
}

const DEVICE_USER = /^([a-z0-9][a-z0-9_-]{0,63})\.([a-z0-9][a-z0-9_-]{0,63})$/;
/** Beyond this much queued debt a client is flooding, not bursting: disconnect it. */
const MAX_THROTTLE_MS = 10_000;

/** The device whose namespace a client id is in (`site.device` or `site.device.suffix`), if any. */
export function deviceNamespace(clientId: string): string | undefined {
  const [site, device] = clientId.split('.');
  if (site === undefined || device === undefined) return undefined;
  return DEVICE_USER.test(`${site}.${device}`) ? `${site}.${device}` : undefined;
}

/**
 * Deletes retained commands found in the store (left by an older build, another broker of the
 * cluster or a restored Redis dump): a retained command would run again on every device boot.
 * Returns the topics removed.
 */
export async function purgeRetainedCommands(store: RetainedStore): Promise<string[]> {
  const stale: string[] = [];
  for await (const p of store.createRetainedStream(`${ROOT}/+/+/cmd/+`) as AsyncIterable<{ topic: string }>)
    stale.push(p.topic);
  for (const topic of stale) {
    await store.storeRetained({
      cmd: 'publish',
      topic,
      payload: Buffer.alloc(0),
      qos: 0,
      retain: true,
      dup: false,
    });
  }
  return stale;
}

/** The client's address: its socket's over TCP/TLS, the upgrade request's over WebSocket. */
const remoteAddress = (client: Client): string | undefined =>
  (client.conn as Partial<Socket>).remoteAddress ??
  (client.req as { socket?: Socket } | undefined)?.socket?.remoteAddress;

const refuse = (returnCode: 2 | 3 | 4 | 5, message: string): AuthenticateError =>
  Object.assign(new Error(message), { returnCode }) as AuthenticateError;

export class BrokerHooks {
  readonly identities = new WeakMap<Client, Identity>();
  private readonly buckets = new WeakMap<Client, TokenBucket>();
  private readonly verified = new VerifiedCache();
  /** Token version a JWT login was made with, between authenticate and CONNACK. */
  private readonly loginVersion = new WeakMap<Client, number>();
  /** Connected users (JWT logins) and the token version each connected with. */
  private readonly userSessions = new Map<Client, { username: string; ver: number }>();
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HookDeps) {}

  install(broker: Aedes): void {
    broker.authenticate = (client, username, password, done) => {
      if (broker.connectedClients >= this.deps.limits.maxConnections) {
        this.deps.counters.inc('mqtt.refused.connections');
        return done(refuse(3, 'connection limit reached'), false); // [MQTT-3.2.2-5] then close
      }
      this.authenticate(client, username, password).then(
        (id) => {
          if (id && 'scope' in id) return done(this.lockedOut(id), false);
          if (!id) {
            this.deps.counters.inc('mqtt.refused.auth');
            this.deps.log.warn({ clientId: client.id, username }, 'mqtt: authentication refused');
            // 4 = bad credentials; 5 = none given and no valid certificate [MQTT-3.2.2-3]
            return done(refuse(username || password ? 4 : 5, 'not authorised'), false);
          }
          const clash = this.clientIdClash(broker, client, id);
          if (clash) {
            // Refused here, before aedes registers the client and closes the holder of this id
            // [MQTT-3.1.4-2]: 0x02 Identifier rejected [MQTT-3.1.3-9], the takeover never happens.
            this.deps.counters.inc('mqtt.refused.clientid');
            this.deps.log.warn(
              { clientId: client.id, who: describe(id) },
              `mqtt: client id refused: ${clash}`,
            );
            return done(refuse(2, `client id refused: ${clash}`), false);
          }
          this.identities.set(client, id);
          this.buckets.set(client, new TokenBucket(this.deps.limits.ratePerS, this.deps.limits.burst));
          const ver = this.loginVersion.get(client);
          if (id.type === 'user' && ver !== undefined)
            this.userSessions.set(client, { username: id.username, ver });
          done(null, true);
        },
        (e: unknown) => done(refuse(3, (e as Error).message), false),
      );
    };
    broker.authorizePublish = (client, packet, done) => this.authorizePublish(client, packet, done);
    // mqemitter drains its backlog by calling each publish's completion, which synchronously reads
    // and parses the next packet of *another* client, which emits again…: under ~8k msgs/s of
    // QoS 1 fan-in that recursion overflowed the stack. Completing on a later turn cuts the chain.
    broker.published = (_packet, _client, done) => void setImmediate(done);
    broker.authorizeSubscribe = (client, sub, done) => this.authorizeSubscribe(client, sub, done);
    broker.on('clientDisconnect', (client) => this.userSessions.delete(client));
    // A user revoked on another node of the cluster: noticed here within one cache TTL.
    this.recheckTimer = setInterval(() => void this.recheckSessions(), this.deps.recheckMs);
    this.recheckTimer.unref();
  }

  stop(): void {
    clearInterval(this.recheckTimer);
  }

  /**
   * Closes the sessions of users whose token was revoked since they connected (all users, or
   * one). A read error keeps the session: the next round reads again.
   */
  async recheckSessions(username?: string): Promise<number> {
    let dropped = 0;
    const checks = [...this.userSessions].map(async ([client, s]) => {
      if (client.closed) return void this.userSessions.delete(client);
      if (username !== undefined && s.username !== username) return;
      if (await this.deps.versions.accepts(s).catch(() => true)) return;
      this.userSessions.delete(client);
      dropped++;
      this.deps.counters.inc('auth.revoked.disconnected');
      this.deps.log.warn(
        { clientId: client.id, username: s.username },
        'mqtt: token revoked, session closed',
      );
      client.close();
    });
    await Promise.all(checks);
    return dropped;
  }

  /**
   * Client ids are bound to identities so nobody can take over another's session: an id in a
   * device's namespace (`site.device` or `site.device.…`) belongs to that device alone, and an id
   * held by a connected client of another identity is not handed over. Returns why, or undefined.
   */
  private clientIdClash(broker: Aedes, client: Client, id: Identity): string | undefined {
    const owner = deviceNamespace(client.id);
    if (owner && (id.type !== 'device' || `${id.site}.${id.device}` !== owner))
      return `${client.id} belongs to device ${owner}`;
    const holder = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
    const held = holder && holder !== client ? this.identities.get(holder) : undefined;
    if (held && describe(held) !== describe(id)) return `${client.id} is held by ${describe(held)}`;
    return undefined;
  }

  /** A login refused by the lockout: counted by scope; CONNACK 5, the reason in the error. */
  private lockedOut(r: LoginRefusal): AuthenticateError {
    this.deps.counters.inc(`mqtt.refused.locked.${r.scope}`);
    return refuse(5, refusalMessage(r));
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Identity | LoginRefusal | undefined> {
    const cert = await this.certificateIdentity(client);
    if (!username && !password) return cert;
    if (!username || !password) return undefined;
    const secret = password.toString('utf8');
    if (looksLikeJwt(secret)) {
      const v = await this.deps.checkToken(secret);
      if (!v.ok) {
        if (isRevoked(v.error)) this.deps.counters.inc('auth.revoked.mqtt');
        return undefined;
      }
      if (v.value.username !== username) return undefined;
      this.loginVersion.set(client, v.value.ver);
      return { type: 'user', username: v.value.username, role: v.value.role };
    }
    return this.passwordLogin(client, username, secret);
  }

  /** A device's password login, through the lockout (checked before any hashing). */
  private async passwordLogin(
    client: Client,
    username: string,
    secret: string,
  ): Promise<Identity | LoginRefusal | undefined> {
    const source = sourceKey(remoteAddress(client));
    const locked = this.deps.logins.check(username, source);
    if (locked) return locked;
    const m = DEVICE_USER.exec(username);
    const hash = (m ? await this.deps.accounts.deviceHash(m[1]!, m[2]!) : undefined)?.hash ?? undefined;
    // Verify against a dummy hash for unknown devices so timing does not reveal which exist.
    const cached = hash !== undefined && this.verified.has(hash, secret);
    const good = cached || (await verifyPassword(secret, hash ?? DUMMY_HASH));
    if (good && hash && m) {
      if (!cached) this.verified.add(hash, secret);
      this.deps.logins.succeeded(username);
      return { type: 'device', site: m[1]!, device: m[2]!, via: 'password' };
    }
    const lock = this.deps.logins.failed(username, source);
    if (lock)
      this.deps.log.warn(
        { username: username.slice(0, 128), source, retryAfterMs: lock.retryAfterMs },
        `mqtt: ${refusalMessage(lock)}`,
      );
    return undefined;
  }

  /** TLS client certificate signed by our CA with CN `site.device` of a registered device. */
  private async certificateIdentity(client: Client): Promise<Identity | undefined> {
    const socket = client.conn as Partial<TLSSocket>;
    if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
    const cn = socket.getPeerCertificate().subject?.CN;
    const m = typeof cn === 'string' ? DEVICE_USER.exec(cn) : null;
    if (!m || !(await this.deps.accounts.deviceHash(m[1]!, m[2]!))) return undefined;
    return { type: 'device', site: m[1]!, device: m[2]!, via: 'certificate' };
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (e?: Error | null) => void) {
    // A retained command would run again on every reboot of the device: commands are one-shot.
    // Cleared before aedes stores it, so it is neither retained nor forwarded as retained.
    stripRetainedCommand(packet, this.deps.counters);
    if (!client) return done(null); // the broker's own messages (dead letters, commands from the API)
    const id = this.identities.get(client);
    if (!id || !canPublish(id, packet.topic)) {
      this.deps.counters.inc('mqtt.denied.publish');
      this.deps.log.warn({ who: describe(id), topic: packet.topic }, 'mqtt: publish denied');
      // [MQTT-3.3.5-2] we may not tell the client; closing the connection is the honest answer.
      return done(new CityEdgeError('BROKER_DENIED', `publish to ${packet.topic} not allowed`));
    }
    const wait = this.buckets.get(client)?.take() ?? 0;
    if (wait > MAX_THROTTLE_MS) {
      this.deps.counters.inc('mqtt.disconnected.flooding');
      return done(new CityEdgeError('BROKER_RATE_LIMIT', `${describe(id)} exceeds its rate limit`));
    }
    const finish = () => {
      this.validate(client, id, packet);
      done(null);
    };
    if (wait <= 0) return finish();
    // Holding the callback holds this client's packet stream (and then its TCP window): the
    // chattering device slows down, everybody else is served, and nothing is dropped.
    this.deps.counters.inc('mqtt.throttled');
    setTimeout(finish, wait);
  }

  /** Checks size and contract; a bad message is acknowledged but re-addressed to the DLQ. */
  private validate(client: Client, id: Identity, packet: PublishPacket): void {
    const claimed = id.type === 'user' ? this.stampCommand(id.username, packet) : undefined;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // [MQTT-3.3.1-10] a zero-byte retained message clears the retained state; nothing to ingest.
    if (payload.length === 0 && packet.retain) return;
    let error: CityEdgeError | undefined;
    let decoded: DecodedMessage | undefined;
    if (payload.length > this.deps.limits.maxPayloadBytes) {
      error = new CityEdgeError(
        'BROKER_PAYLOAD_TOO_LARGE',
        `${payload.length} bytes > limit ${this.deps.limits.maxPayloadBytes}`,
      );
    } else {
      const r = decodeMessage(packet.topic, payload);
      if (r.ok) decoded = r.value;
      else error = r.error;
    }
    if (decoded?.kind === 'command' && id.type === 'user') {
      if (claimed !== undefined) byOverwritten(this.deps, 'mqtt', id.username, claimed);
      this.deps.onUserCommand(decoded, id, claimed);
      return;
    }
    if (decoded && id.type === 'device') {
      error = this.deps.onValid(decoded, id); // e.g. a device time InfluxDB would refuse
      if (!error) return;
    }
    error ??= new CityEdgeError('CONTRACT_SCHEMA', 'unexpected message kind');
    this.deps.counters.inc('ingest.invalid');
    this.deps.counters.inc(`ingest.invalid.${error.code}`);
    this.deps.log.warn({ who: describe(id), topic: packet.topic, code: error.code }, 'mqtt: dead-lettered');
    const letter = deadLetter(error, packet.topic, client.id, payload);
    packet.topic = dlqTopic(id, client.id);
    packet.payload = Buffer.from(JSON.stringify(letter));
    packet.retain = false;
  }

  /**
   * An operator's command request gets `by` set to the operator's name before it is validated
   * and forwarded (see stampActor). Returns the other name the payload claimed, if any. Too
   * large or not JSON: left untouched for validate to dead-letter.
   */
  private stampCommand(username: string, packet: PublishPacket): string | undefined {
    const parts = packet.topic.split('/');
    if (!isCommandTopic(packet.topic) || packet.payload.length > this.deps.limits.maxPayloadBytes) return;
    let request: unknown;
    try {
      request = JSON.parse(packet.payload.toString());
    } catch {
      return;
    }
    if (typeof request !== 'object' || request === null || !('args' in request)) return;
    const stamped = stampActor(parts[5]!, request.args, username);
    if (stamped.args === request.args) return;
    packet.payload = Buffer.from(JSON.stringify({ ...request, args: stamped.args }));
    return stamped.claimed;
  }

  private authorizeSubscribe(
    client: Client,
    sub: Subscription,
    done: (e: Error | null, s?: Subscription | null) => void,
  ) {
    const id = this.identities.get(client);
    if (id && canSubscribe(id, sub.topic)) return done(null, sub);
    this.deps.counters.inc('mqtt.denied.subscribe');
    this.deps.log.warn({ who: describe(id), filter: sub.topic }, 'mqtt: subscribe denied');
    done(null, null); // [MQTT-3.9.3] SUBACK 0x80 for this filter; an error would drop the connection
  }
}
