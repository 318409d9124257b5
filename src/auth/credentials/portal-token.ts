import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Portal session tokens: JWTs (HS256, via `jose`) naming the session and its app. Everything
 * else (capabilities, endpoints, revocation) is read from the session's row on each request,
 * so the token stays short and a revocation takes effect in every process at once.
 */
const ISSUER = 'hookrelay';
const AUDIENCE = 'hookrelay-portal';

export interface PortalTokenClaims {
  sessionId: string;
  appId: string;
}

export type PortalTokenCheck =
  { valid: true; claims: PortalTokenClaims } | { valid: false; reason: 'expired' | 'invalid' };

export class PortalTokenSigner {
  constructor(private readonly key: Uint8Array) {}

  sign(claims: PortalTokenClaims, issuedAt: Date, expiresAt: Date): Promise<string> {
    return new SignJWT({ app: claims.appId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.sessionId)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /** `now` comes from the injected clock, so tests can expire a token. */
  async verify(token: string, now: Date): Promise<PortalTokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 0,
      });
      if (typeof payload.sub !== 'string' || typeof payload.app !== 'string')
        return { valid: false, reason: 'invalid' };
      return { valid: true, claims: { sessionId: payload.sub, appId: payload.app } };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { valid: false, reason: 'expired' };
      return { valid: false, reason: 'invalid' };
    }
  }
}

/** A compact JWS: three base64url parts. Anything else is not a portal token. */
export const looksLikePortalToken = (token: string): boolean =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
