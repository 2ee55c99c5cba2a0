import { roleAtLeast, type Role } from '@reelkit/protocol';
import type { Middleware } from 'koa';
import { isValidObjectId } from 'mongoose';
import { looksLikeApiKey, parseApiKey, secretMatches } from '../api-keys/api-key-secret.js';
import type { CookieNames } from '../auth/cookies.js';
import type { SessionRevocations } from '../auth/session-revocations.js';
import { TokenError, type TokenService } from '../auth/tokens.js';
import type { AccountModels } from '../models.js';
import { AppError } from './app-error.js';
import type { Principal } from './principal.js';
import type { Limit, RateLimiter } from './rate-limit.js';

export interface AuthenticateDeps {
  models: AccountModels;
  tokens: TokenService;
  cookies: CookieNames;
  limiter: RateLimiter;
  /** The general per-user / per-key limit. */
  limit: Limit;
  /** Ended sessions: an access token whose `sid` is listed is refused (auth/session-revocations.ts). */
  revocations?: Pick<SessionRevocations, 'isRevoked'>;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <access token | API key>` or the access cookie into
 * `ctx.state.principal`. The user (and an API key's creator) is read on every request, so a role
 * change, deactivation or token-version bump applies to the very next request; the token's own
 * `role` claim is informational only.
 */
export function createAuthenticate(deps: AuthenticateDeps): Middleware {
  const { models } = deps;

  async function fromAccessToken(token: string, via: 'bearer' | 'cookie'): Promise<Principal> {
    let claims;
    try {
      claims = deps.tokens.verifyAccess(token);
    } catch (err) {
      if (err instanceof TokenError)
        throw new AppError(err.code === 'token_expired' ? 'token_expired' : 'token_invalid', err.message);
      throw err;
    }
    if (!isValidObjectId(claims.sub)) throw new AppError('token_invalid');
    if (claims.sid && (await deps.revocations?.isRevoked(claims.sid)))
      throw new AppError('token_invalid', 'This session has ended (logged out or revoked)');
    const user = await models.User.findById(claims.sub).select('orgId role active tokenVersion').lean();
    if (!user || String(user.orgId) !== claims.orgId)
      throw new AppError('token_invalid', 'The token’s user no longer exists');
    if (!user.active) throw new AppError('account_disabled', 'This account has been deactivated');
    if (user.tokenVersion !== claims.ver) throw new AppError('token_invalid', 'The token has been revoked');
    return { kind: 'user', userId: claims.sub, orgId: claims.orgId, role: user.role as Role, via };
  }

  async function fromApiKey(raw: string): Promise<Principal> {
    const parsed = parseApiKey(raw);
    if (!parsed) throw new AppError('api_key_invalid', 'Malformed API key');
    const key = await models.ApiKey.findOne({ prefix: parsed.prefix }).select('+secretHash').lean();
    if (!key || key.revokedAt || !secretMatches(parsed.secret, key.secretHash)) {
      throw new AppError('api_key_invalid', 'Unknown or revoked API key');
    }
    const creator = await models.User.findById(key.createdBy).select('orgId role active').lean();
    if (!creator || !creator.active || String(creator.orgId) !== String(key.orgId)) {
      throw new AppError('api_key_invalid', 'The API key’s creator is no longer an active member');
    }
    // Never more than the creator can do today.
    const role = (roleAtLeast(creator.role as Role, key.role as Role) ? key.role : creator.role) as Role;
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      void models.ApiKey.updateOne({ _id: key._id }, { $set: { lastUsedAt: new Date() } }).catch(
        () => undefined,
      );
    }
    return {
      kind: 'api_key',
      apiKeyId: String(key._id),
      userId: String(key.createdBy),
      orgId: String(key.orgId),
      role,
      via: 'api_key',
    };
  }

  return async (ctx, next) => {
    const header = ctx.get('authorization');
    let principal: Principal;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new AppError('unauthenticated', 'Use Authorization: Bearer <access token or API key>');
      const token = m[1]!;
      principal = looksLikeApiKey(token) ? await fromApiKey(token) : await fromAccessToken(token, 'bearer');
    } else {
      const cookie = ctx.cookies.get(deps.cookies.access);
      if (!cookie) throw new AppError('unauthenticated', 'Log in, or send Authorization: Bearer <token>');
      // The CSRF guard in front of every route has already checked unsafe cookie requests.
      principal = await fromAccessToken(cookie, 'cookie');
    }
    const id = principal.kind === 'api_key' ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
    await deps.limiter.hit('api', id, deps.limit);
    ctx.state.principal = principal;
    await next();
  };
}

/** 403 unless the principal's role is at least `minimum`. Runs after `authenticate`. */
export function authorize(minimum: Role): Middleware {
  return async (ctx, next) => {
    const principal = ctx.state.principal;
    if (!principal) throw new AppError('unauthenticated');
    if (!roleAtLeast(principal.role, minimum)) {
      throw new AppError('forbidden', `This needs the ${minimum} role or higher`);
    }
    await next();
  };
}

/** The principal set by `authenticate`; throws if a route forgot to authenticate. */
export function principalOf(ctx: { state: { principal?: Principal } }): Principal {
  const p = ctx.state.principal;
  if (!p) throw new AppError('unauthenticated');
  return p;
}
