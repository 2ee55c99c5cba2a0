import { randomUUID } from 'node:crypto';
import type { Role } from '@reelkit/protocol';
import jwt from 'jsonwebtoken';

/**
 * Each token kind has its own audience, so one kind can never pass for another: a refresh or
 * playback token is refused as an access token and the other way round.
 */
export const AUDIENCES = {
  access: 'reelkit:access',
  refresh: 'reelkit:refresh',
  playback: 'reelkit:playback',
} as const;

export const ISSUER = 'reelkit';
const ALGORITHMS: jwt.Algorithm[] = ['HS256'];

export interface AccessClaims {
  sub: string;
  orgId: string;
  role: Role;
  /** The user's token version when this was issued; bumping it invalidates older tokens. */
  ver: number;
  /**
   * The session (refresh-token family) this token belongs to; ending the session (logout, reuse)
   * ends its access tokens too (session-revocations.ts). Absent on tokens minted outside a session.
   */
  sid?: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface RefreshClaims {
  sub: string;
  orgId: string;
  /** The refresh-token family (one per login); reuse of a rotated token revokes it. */
  fam: string;
  ver: number;
  jti: string;
  iat: number;
  exp: number;
}

export type TokenErrorCode = 'token_missing' | 'token_invalid' | 'token_expired';

export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface TokenService {
  signAccess(claims: Pick<AccessClaims, 'sub' | 'orgId' | 'role' | 'ver' | 'sid'>): {
    token: string;
    expiresAt: Date;
  };
  verifyAccess(token: string): AccessClaims;
  signRefresh(claims: Pick<RefreshClaims, 'sub' | 'orgId' | 'fam' | 'ver' | 'jti'>): {
    token: string;
    expiresAt: Date;
  };
  verifyRefresh(token: string): RefreshClaims;
}

export function createTokenService(options: {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** For tests that control the clock. */
  now?: () => number;
}): TokenService {
  const now = options.now ?? Date.now;
  const sign = (payload: object, audience: string, ttl: number, jwtid: string) => {
    const iat = Math.floor(now() / 1000);
    const token = jwt.sign({ ...payload, iat, exp: iat + ttl }, options.secret, {
      algorithm: 'HS256',
      issuer: ISSUER,
      audience,
      jwtid,
    });
    return { token, expiresAt: new Date((iat + ttl) * 1000) };
  };
  const verify = <T>(token: string, audience: string): T => {
    try {
      return jwt.verify(token, options.secret, {
        algorithms: ALGORITHMS,
        issuer: ISSUER,
        audience,
        clockTimestamp: Math.floor(now() / 1000),
      }) as T;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError)
        throw new TokenError('token_expired', 'The token has expired');
      throw new TokenError('token_invalid', 'The token is not valid here');
    }
  };
  return {
    signAccess: (c) =>
      sign(
        { sub: c.sub, orgId: c.orgId, role: c.role, ver: c.ver, ...(c.sid ? { sid: c.sid } : {}) },
        AUDIENCES.access,
        options.accessTtlSeconds,
        randomUUID(),
      ),
    verifyAccess: (t) => verify<AccessClaims>(t, AUDIENCES.access),
    signRefresh: (c) =>
      sign(
        { sub: c.sub, orgId: c.orgId, fam: c.fam, ver: c.ver },
        AUDIENCES.refresh,
        options.refreshTtlSeconds,
        c.jti,
      ),
    verifyRefresh: (t) => verify<RefreshClaims>(t, AUDIENCES.refresh),
  };
}
