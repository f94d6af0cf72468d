/**
 * A small router on node:http (no framework: a dozen JSON routes do not justify one, and every
 * input is validated with zod anyway). Errors are values `{error: {code, message, details?}}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { CityEdgeError } from '../../core/errors.ts';
import { type Role, roleAtLeast } from '../auth/identity.ts';
import { isRevoked, type TokenCheck } from '../auth/versions.ts';
import type { Counters } from '../metrics.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface Caller {
  username: string;
  role: Role;
}

export interface Ctx {
  req: IncomingMessage;
  url: URL;
  params: string[];
  caller: Caller | null;
  body: () => Promise<unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: RegExp;
  /** null = public. */
  role: Role | null;
  handle: (ctx: Ctx) => Promise<Reply> | Reply;
}

const statusOf: Record<string, number> = {
  API_BAD_INPUT: 400,
  API_BAD_JSON: 400,
  API_UNAUTHENTICATED: 401,
  API_FORBIDDEN: 403,
  API_NOT_FOUND: 404,
  API_CONFLICT: 409,
  API_TOO_LARGE: 413,
  API_RATE_LIMITED: 429,
  API_INGEST_DISABLED: 503,
  API_COMMAND_TIMEOUT: 504,
};

export const fail = (code: `API_${string}`, message: string, details?: unknown): never => {
  throw new CityEdgeError(code, message, details);
};

/** Parses with zod or throws API_BAD_INPUT listing the issues. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return fail('API_BAD_INPUT', issues.join('; '), issues);
}

export const query = (ctx: Ctx) => Object.fromEntries(ctx.url.searchParams.entries());

/**
 * Reads a JSON body of at most MAX_BODY_BYTES. Past the cap it stops reading (the rest stays in
 * the kernel, back-pressuring the sender) and rejects, so the 413 can still be written before the
 * connection is closed; nothing beyond the cap is ever buffered.
 */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(c);
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      reject(new CityEdgeError('API_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`));
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new CityEdgeError('API_BAD_JSON', 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** A declared Content-Length over the cap is refused before a byte of the body is read. */
function refuseDeclaredBody(req: IncomingMessage): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES)
    fail('API_TOO_LARGE', `Content-Length ${declared} over ${MAX_BODY_BYTES} bytes`);
}

export function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Headers on every HTTP answer (API, dashboard, errors). The CSP allows only the dashboard's own
 * files and its same-origin fetch/WebSocket (in CSP Level 3 'self' covers ws:/wss: to this host;
 * bare `ws: wss:` would let injected script reach any host): no inline script, no eval, no
 * framing. Workers from blob: only because mqtt.js runs its keepalive timers in one, so a
 * background tab is not throttled into missing PINGREQs; a blob needs script already running.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Sets the security headers before any handler runs; HSTS only where the answer came over TLS. */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  if ((req.socket as { encrypted?: boolean }).encrypted) {
    res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
  }
}

export function createApiHandler(
  routes: Route[],
  checkToken: TokenCheck,
  counters: Counters,
  fallback: (req: IncomingMessage, res: ServerResponse) => void,
) {
  // Every request, API or static, runs inside this one try: no request can end the process.
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      setSecurityHeaders(req, res);
      refuseDeclaredBody(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith('/api/')) return fallback(req, res);
      const candidates = routes.filter((r) => r.path.test(url.pathname));
      const route = candidates.find((r) => r.method === req.method);
      if (!route) return fail('API_NOT_FOUND', candidates.length ? 'method not allowed' : 'no such route');
      const caller = await authenticate(req, checkToken, counters);
      if (route.role) {
        if (!caller) return fail('API_UNAUTHENTICATED', 'login required: Authorization: Bearer <token>');
        if (!roleAtLeast(caller.role, route.role)) {
          counters.inc('api.denied');
          return fail('API_FORBIDDEN', `needs role ${route.role}`);
        }
      }
      const params = (route.path.exec(url.pathname) ?? []).slice(1).map((p) => decodePathPart(p ?? ''));
      const reply = await route.handle({ req, url, params, caller, body: () => readBody(req) });
      counters.inc('api.requests');
      sendJson(res, reply.status, reply.body);
    } catch (e) {
      const error =
        e instanceof CityEdgeError ? e : new CityEdgeError('API_INTERNAL', 'internal error', String(e));
      counters.inc(`api.errors.${error.code}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // An unread body must not be drained for keep-alive: answer, then close [RFC 9110 15.5.14].
      if (error.code === 'API_TOO_LARGE') res.setHeader('connection', 'close');
      const retryAfterS = (error.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
      if (typeof retryAfterS === 'number') res.setHeader('retry-after', String(retryAfterS)); // [RFC 6585 4]
      sendJson(res, statusOf[error.code] ?? 500, {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
  };
}

/** A malformed %-escape (`/%`, `%c0%af`) is the client's error, never an uncaught URIError. */
export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail('API_BAD_INPUT', 'malformed %-escape in the request path');
  }
}

/** Every request with a token is checked in full, revocation included (versions.ts). */
async function authenticate(
  req: IncomingMessage,
  checkToken: TokenCheck,
  counters: Counters,
): Promise<Caller | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer (\S+)$/.exec(header);
  if (!m) return fail('API_UNAUTHENTICATED', 'Authorization must be "Bearer <token>"');
  const v = await checkToken(m[1]!);
  if (!v.ok) {
    if (isRevoked(v.error)) counters.inc('auth.revoked.http');
    return fail('API_UNAUTHENTICATED', v.error.message);
  }
  return { username: v.value.username, role: v.value.role };
}
