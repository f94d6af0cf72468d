/** Login, health, metrics, live state and operator commands. */
import { z } from 'zod';
import { checkCommandArgs, commandNames } from '../../core/contract/index.ts';
import { idSchema } from '../../core/contract/payloads.ts';
import { refusalMessage, sourceKey } from '../auth/lockout.ts';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords.ts';
import { byOverwritten, stampActor } from '../commands.ts';
import { liveState } from '../live.ts';
import { TokenBucket } from '../limits.ts';
import type { ApiDeps } from './deps.ts';
import { fail, parse, query, type Route } from './http.ts';

const login = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const command = z.strictObject({
  site: idSchema,
  device: idSchema,
  command: z.enum(commandNames),
  args: z.unknown(),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
});

/**
 * POST /api/login: a per-address token bucket first (scrypt is deliberately slow, so cap the rate
 * we pay it), then the account/source lockout before any hashing, then the password.
 */
function loginHandler(d: ApiDeps): Route['handle'] {
  const buckets = new Map<string, TokenBucket>();
  return async (ctx) => {
    const address = ctx.req.socket.remoteAddress ?? '?';
    const source = sourceKey(address);
    if (buckets.size > 10_000) buckets.clear();
    const bucket = buckets.get(source) ?? new TokenBucket(5, 20);
    buckets.set(source, bucket);
    if (bucket.take() > 0) {
      d.counters.inc('api.login.refused.rate');
      fail('API_RATE_LIMITED', 'too many login attempts; slow down');
    }
    const { username, password } = parse(login, await ctx.body());
    const locked = d.logins.check(username, source);
    if (locked) {
      // A locked account's correct password is refused as well.
      d.counters.inc(`api.login.refused.locked.${locked.scope}`);
      fail('API_RATE_LIMITED', refusalMessage(locked), {
        scope: locked.scope,
        retryAfterS: Math.ceil(locked.retryAfterMs / 1000),
      });
    }
    const user = await d.accounts.userHash(username);
    const good = await verifyPassword(password, user?.hash ?? DUMMY_HASH);
    if (!good || !user) {
      await loginFailed(d, username, source, address);
      return fail('API_UNAUTHENTICATED', 'wrong username or password');
    }
    d.logins.succeeded(username);
    const { token, expiresAt } = await d.tokens.issue(username, user.role, user.tokenVersion);
    return { status: 200, body: { token, username, role: user.role, expiresAt } };
  };
}

/** Counted, audited, and tallied by the lockout; a lock it starts is audited too (admins see it). */
async function loginFailed(d: ApiDeps, username: string, source: string, address: string): Promise<void> {
  d.counters.inc('api.login.failed');
  const lock = d.logins.failed(username, source);
  const row = { actor: username, role: '-', target: address, detail: '', outcome: 'denied' };
  await d.audit.record({ ...row, action: 'login.failed' });
  if (!lock) return;
  d.log.warn({ username, source, retryAfterMs: lock.retryAfterMs }, `api: ${refusalMessage(lock)}`);
  await d.audit.record({ ...row, action: 'login.locked', detail: refusalMessage(lock), outcome: lock.scope });
}

export function coreRoutes(d: ApiDeps): Route[] {
  return [
    { method: 'POST', path: /^\/api\/login$/, role: null, handle: loginHandler(d) },
    {
      method: 'GET',
      path: /^\/api\/me$/,
      role: 'viewer',
      handle: (ctx) => ({ status: 200, body: ctx.caller }),
    },
    {
      method: 'GET',
      path: /^\/api\/health$/,
      role: null,
      handle: () => {
        const influx = d.ingest ? d.ingest.status() : { enabled: false, up: false };
        const degraded = influx.enabled && !influx.up;
        return {
          status: 200,
          body: {
            status: degraded ? 'degraded' : 'ok',
            uptimeS: (Date.now() - d.startedAt) / 1000,
            nodeId: d.nodeId,
            mqtt: { clients: d.broker.connectedClients },
            influx,
            db: { ok: true },
          },
        };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/metrics$/,
      role: 'viewer',
      handle: () => ({ status: 200, body: { counters: d.counters.snapshot() } }),
    },
    {
      method: 'GET',
      path: /^\/api\/live$/,
      role: 'viewer',
      handle: async (ctx) => {
        const q = parse(z.object({ site: idSchema.optional(), device: idSchema.optional() }), query(ctx));
        return { status: 200, body: { devices: await liveState(d.retained, q.site, q.device) } };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/commands$/,
      role: 'operator',
      handle: async (ctx) => {
        const c = parse(command, await ctx.body());
        const caller = ctx.caller!;
        // Before validation: `by` may be left out, the server fills it in.
        const stamped = stampActor(c.command, c.args, caller.username);
        const args = checkCommandArgs(c.command, stamped.args);
        if (!args.ok) fail('API_BAD_INPUT', args.error.message, args.error.details);
        if (stamped.claimed !== undefined) byOverwritten(d, 'http', caller.username, stamped.claimed);
        const out = await d.relay.send({
          ...c,
          args: args.ok ? args.value : null,
          actor: caller.username,
          role: caller.role,
          ...(stamped.claimed === undefined ? {} : { claimedBy: stamped.claimed }),
        });
        if (!out.response)
          fail('API_COMMAND_TIMEOUT', `no answer in ${c.timeoutMs} ms`, { transaction: out.transaction });
        return { status: 200, body: out };
      },
    },
  ];
}
