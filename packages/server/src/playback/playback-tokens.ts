import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AUDIENCES, ISSUER } from '../auth/tokens.js';
import type { PlaybackKeyring } from './playback-keys.js';

/** What a playback token grants: one video of one organisation until `exp`. */
export interface PlaybackClaims {
  /** The video id. */
  sub: string;
  orgId: string;
  /** Browser origins allowed to use it; absent = any. */
  origins?: string[];
  jti: string;
  iat: number;
  exp: number;
  /** The signing key id (from the JWT header). */
  kid: string;
}

export type PlaybackErrorCode = 'playback_token_invalid' | 'playback_token_expired';

export class PlaybackTokenError extends Error {
  constructor(
    readonly code: PlaybackErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PlaybackTokenError';
  }
}

export interface PlaybackTokens {
  sign(input: { videoId: string; orgId: string; ttlSeconds: number; origins?: string[] | undefined }): {
    token: string;
    expiresAt: Date;
  };
  /** Verifies signature (constant-time HMAC compare), key id, algorithm, issuer, audience and expiry. */
  verify(token: string): PlaybackClaims;
}

const CACHE_MAX = 10_000;

/**
 * Playback tokens are JWTs (HS256) whose header names the signing key (`kid`), with their own
 * audience so an access token is never a playback token or the other way round. Verified tokens are
 * cached until they expire so the segment route pays for HMAC and JSON parsing once per token, not
 * once per segment. The cache is keyed by the token's signature (its last 43 characters) rather
 * than the whole token: the token in a request is a new string every time, and hashing ~400
 * characters per lookup cost more than the rest of the check; a hit still needs the whole token to
 * be the one verified, so a forged token reusing a signature is verified (and refused) as new.
 */
export function createPlaybackTokens(options: {
  keyring: PlaybackKeyring;
  now?: () => number;
}): PlaybackTokens {
  const now = options.now ?? Date.now;
  const { keyring } = options;
  /** Verified tokens by signature (see above), with the whole token to compare. */
  const cache = new Map<string, { token: string; claims: PlaybackClaims }>();
  const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);

  return {
    sign({ videoId, orgId, ttlSeconds, origins }) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + ttlSeconds;
      const token = jwt.sign(
        { sub: videoId, orgId, ...(origins?.length ? { origins } : {}), iat, exp },
        keyring.signing.secret,
        {
          algorithm: 'HS256',
          issuer: ISSUER,
          audience: AUDIENCES.playback,
          jwtid: randomUUID(),
          keyid: keyring.signing.kid,
        },
      );
      return { token, expiresAt: new Date(exp * 1000) };
    },

    verify(token) {
      const nowSeconds = Math.floor(now() / 1000);
      const signature = signatureOf(token);
      const hit = cache.get(signature);
      const cached = hit?.token === token ? hit.claims : undefined;
      if (cached) {
        if (!keyring.byKid.has(cached.kid))
          throw new PlaybackTokenError('playback_token_invalid', 'The playback token’s key was retired');
        if (cached.exp <= nowSeconds) {
          cache.delete(signature);
          throw new PlaybackTokenError('playback_token_expired', 'The playback token has expired');
        }
        return cached;
      }
      const decoded = jwt.decode(token, { complete: true });
      const kid = decoded && typeof decoded === 'object' ? decoded.header.kid : undefined;
      const key = kid ? keyring.byKid.get(kid) : undefined;
      if (!key) throw new PlaybackTokenError('playback_token_invalid', 'Unknown or retired playback key');
      let claims: PlaybackClaims;
      try {
        claims = {
          ...(jwt.verify(token, key.secret, {
            algorithms: ['HS256'],
            issuer: ISSUER,
            audience: AUDIENCES.playback,
            clockTimestamp: nowSeconds,
          }) as Omit<PlaybackClaims, 'kid'>),
          kid: key.kid,
        };
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError)
          throw new PlaybackTokenError('playback_token_expired', 'The playback token has expired');
        throw new PlaybackTokenError('playback_token_invalid', 'The playback token is not valid');
      }
      if (typeof claims.sub !== 'string' || typeof claims.orgId !== 'string') {
        throw new PlaybackTokenError('playback_token_invalid', 'The playback token is not valid');
      }
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(signature, { token, claims });
      return claims;
    },
  };
}
