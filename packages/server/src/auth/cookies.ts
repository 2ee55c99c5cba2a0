import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { AppError } from '../http/app-error.js';

export interface CookieNames {
  access: string;
  refresh: string;
  csrf: string;
}

/** In production the cookies are `__Host-` prefixed and Secure: bound to this host, HTTPS only. */
export function cookieNames(production: boolean): CookieNames {
  const p = production ? '__Host-' : '';
  return { access: `${p}rk_access`, refresh: `${p}rk_refresh`, csrf: `${p}rk_csrf` };
}

export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export function setSessionCookies(
  ctx: Context,
  names: CookieNames,
  tokens: SessionTokens,
  production: boolean,
): void {
  // Behind a TLS-terminating proxy the request itself may look plain; the operator runs HTTPS.
  if (production) ctx.cookies.secure = true;
  const base = { sameSite: 'lax' as const, secure: production, path: '/', overwrite: true };
  ctx.cookies.set(names.access, tokens.accessToken, {
    ...base,
    httpOnly: true,
    expires: tokens.accessTokenExpiresAt,
  });
  ctx.cookies.set(names.refresh, tokens.refreshToken, {
    ...base,
    httpOnly: true,
    expires: tokens.refreshTokenExpiresAt,
  });
  // Double-submit token: readable by our pages' scripts, which echo it in X-CSRF-Token.
  ctx.cookies.set(names.csrf, randomBytes(24).toString('base64url'), {
    ...base,
    httpOnly: false,
    expires: tokens.refreshTokenExpiresAt,
  });
}

export function clearSessionCookies(ctx: Context, names: CookieNames, production: boolean): void {
  if (production) ctx.cookies.secure = true;
  for (const name of [names.access, names.refresh, names.csrf]) {
    ctx.cookies.set(name, '', {
      path: '/',
      secure: production,
      sameSite: 'lax',
      expires: new Date(0),
      overwrite: true,
    });
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs before any body is read: an unsafe request that carries a session cookie and no
 * `Authorization` header must pass `assertCsrf`. (Bearer tokens and API keys are never sent by a
 * browser on its own, so they need no CSRF check.)
 */
export function csrfGuard(names: CookieNames, allowedOrigins: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    const cookieSession =
      ctx.cookies.get(names.access) !== undefined || ctx.cookies.get(names.refresh) !== undefined;
    if (!SAFE_METHODS.has(ctx.method) && cookieSession && !ctx.get('authorization')) {
      assertCsrf(ctx, names, allowedOrigins);
    }
    await next();
  };
}

/**
 * CSRF check for unsafe requests authenticated by cookie: the Origin (or Referer) must be in the
 * allow-list AND the X-CSRF-Token header must equal the CSRF cookie. A cross-site form POST has
 * neither the right origin nor a way to read the cookie.
 */
export function assertCsrf(ctx: Context, names: CookieNames, allowedOrigins: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(ctx.method)) return;
  let origin = ctx.get('origin');
  if (!origin) {
    try {
      origin = new URL(ctx.get('referer')).origin;
    } catch {
      origin = '';
    }
  }
  if (!origin || !allowedOrigins.has(origin)) {
    throw new AppError(
      'csrf_failed',
      'This request comes from a site that is not allowed to use your session',
    );
  }
  const header = Buffer.from(ctx.get('x-csrf-token'));
  const cookie = Buffer.from(ctx.cookies.get(names.csrf) ?? '');
  if (cookie.length === 0 || header.length !== cookie.length || !timingSafeEqual(header, cookie)) {
    throw new AppError(
      'csrf_failed',
      'Missing or wrong X-CSRF-Token header (copy it from the rk_csrf cookie)',
    );
  }
}
