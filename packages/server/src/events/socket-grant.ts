import type { RealtimeErrorCode } from '@reelkit/protocol';
import jwt from 'jsonwebtoken';
import { AUDIENCES, TokenError, type TokenService } from '../auth/tokens.js';
import { PlaybackTokenError, type PlaybackTokens } from '../playback/playback-tokens.js';
import { orgRoom, userRoom, videoRoom } from './rooms.js';

/** What a socket may receive, decided once from its verified token. */
export type SocketGrant =
  | {
      kind: 'org';
      orgId: string;
      userId: string;
      /** The token version claim, checked against the user's current one. */
      ver: number;
      /** Unix seconds. */
      exp: number;
    }
  | { kind: 'video'; orgId: string; videoId: string; exp: number };

/** Why a handshake or a refresh was refused; `code` reaches the client as `err.data.code`. */
export class RealtimeAuthError extends Error {
  constructor(
    readonly code: RealtimeErrorCode | 'token_scope_changed',
    message: string,
  ) {
    super(message);
    this.name = 'RealtimeAuthError';
  }
}

export interface GrantDeps {
  tokens: Pick<TokenService, 'verifyAccess'>;
  playbackTokens: Pick<PlaybackTokens, 'verify'>;
}

/**
 * Verifies a handshake token: an access token grants the organisation, a playback token one video.
 * The audience (read unverified only to pick the verifier) decides which; each verifier then pins
 * its own audience, algorithm, issuer and expiry, so a token can never pass as the other kind.
 */
export function grantFromToken(token: unknown, origin: string | undefined, deps: GrantDeps): SocketGrant {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
    throw new RealtimeAuthError('unauthenticated', 'Send an access or playback token as auth.token');
  }
  const decoded = jwt.decode(token);
  const aud = decoded && typeof decoded === 'object' ? decoded.aud : undefined;
  if (aud === AUDIENCES.playback) {
    try {
      const claims = deps.playbackTokens.verify(token);
      if (claims.origins?.length && (!origin || !claims.origins.includes(origin))) {
        throw new RealtimeAuthError('playback_origin_refused', 'This site may not watch this video');
      }
      return { kind: 'video', orgId: claims.orgId, videoId: claims.sub, exp: claims.exp };
    } catch (err) {
      if (err instanceof PlaybackTokenError) throw new RealtimeAuthError(err.code, err.message);
      throw err;
    }
  }
  try {
    const claims = deps.tokens.verifyAccess(token);
    return { kind: 'org', orgId: claims.orgId, userId: claims.sub, ver: claims.ver, exp: claims.exp };
  } catch (err) {
    if (err instanceof TokenError) {
      throw new RealtimeAuthError(
        err.code === 'token_expired' ? 'token_expired' : 'token_invalid',
        err.message,
      );
    }
    throw err;
  }
}

/** The rooms a grant joins: the org's room and the member's own, or the one video's. */
export function roomsOfGrant(grant: SocketGrant): string[] {
  return grant.kind === 'org'
    ? [orgRoom(grant.orgId), userRoom(grant.orgId, grant.userId)]
    : [videoRoom(grant.orgId, grant.videoId)];
}

/**
 * A refreshed token must keep the socket in exactly the rooms it is in (rooms are never switched
 * over a live socket); otherwise it is refused and the socket keeps its old expiry.
 */
export function checkRefresh(current: SocketGrant, next: SocketGrant): void {
  const same =
    current.kind === next.kind &&
    current.orgId === next.orgId &&
    (current.kind === 'org' || (next.kind === 'video' && current.videoId === next.videoId));
  if (!same) {
    throw new RealtimeAuthError('token_scope_changed', 'The new token is for another organisation or video');
  }
}

/** Milliseconds until a grant expires (≤ 0 when it already has), clamped to what setTimeout takes. */
export function msUntilExpiry(grant: SocketGrant, nowMs: number): number {
  return Math.min(grant.exp * 1000 - nowMs, 2 ** 31 - 1);
}
