/**
 * Dashboard-user tokens: HS256 JWTs (jose) carrying the username, role and the user's token
 * version (`ver`); a token whose version is no longer the user's is revoked (see versions.ts).
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import type { Role } from './identity.ts';

const claims = z.object({
  sub: z.string(),
  role: z.enum(['viewer', 'operator', 'admin']),
  ver: z.number().int(),
});

export interface TokenClaims {
  username: string;
  role: Role;
  /** The user's token version when the token was issued. */
  ver: number;
}
const ISSUER = 'cityedge-broker';

export class TokenIssuer {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlS: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(username: string, role: Role, ver: number): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Date.now() + this.ttlS * 1000;
    const token = await new SignJWT({ role, ver })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(username)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Signature, issuer and expiry only; whether the token was revoked is versions.ts's question. */
  async verify(token: string): Promise<Result<TokenClaims>> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return err(new CityEdgeError('API_UNAUTHENTICATED', 'token claims invalid'));
      return ok({ username: parsed.data.sub, role: parsed.data.role, ver: parsed.data.ver });
    } catch (e) {
      const why = e instanceof errors.JWTExpired ? 'token expired' : 'token invalid';
      return err(new CityEdgeError('API_UNAUTHENTICATED', why));
    }
  }
}

/** Cheap shape test so a device password is never sent through JWT verification. */
export const looksLikeJwt = (s: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(s) && s.length > 40;
