import { meSchema, sessionSchema, type Me, type Session as SessionJson } from '@reelkit/protocol';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import type { Limit, RateLimiter } from '../http/rate-limit.js';
import type { AccountModels } from '../models.js';
import type { Principal } from '../http/principal.js';
import { orgJson, type OrgDoc } from '../orgs/org-model.js';
import { userJson, type UserDoc } from '../users/user-model.js';
import type { AuthService, Session } from './auth-service.js';
import { clearSessionCookies, setSessionCookies, type CookieNames } from './cookies.js';

export const emailField = z.email({ message: 'must be an email address' }).max(254);
export const passwordField = z.string().min(10, 'must be at least 10 characters').max(256);
export const nameField = z.string().trim().min(1).max(100);

const signupBody = z.strictObject({
  orgName: nameField,
  name: nameField,
  email: emailField,
  password: passwordField,
});
const loginBody = z.strictObject({ email: emailField, password: z.string().min(1).max(256) });
const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(4096).optional() });
const acceptInviteBody = z.strictObject({
  token: z.string().min(20).max(200),
  password: passwordField,
  name: nameField.optional(),
});

export interface AuthRouteDeps {
  auth: AuthService;
  models: AccountModels;
  cookies: CookieNames;
  production: boolean;
  limiter: RateLimiter;
  limits: { ip: Limit; account: Limit };
}

function sessionBody(s: Session): SessionJson {
  return {
    user: s.user,
    org: s.org,
    tokenType: 'Bearer',
    accessToken: s.accessToken,
    accessTokenExpiresAt: s.accessTokenExpiresAt.toISOString(),
    refreshToken: s.refreshToken,
    refreshTokenExpiresAt: s.refreshTokenExpiresAt.toISOString(),
  };
}

function meJson(p: Principal, user: UserDoc, org: OrgDoc): Me {
  const base = { user: userJson(user), org: orgJson(org), role: p.role };
  return p.kind === 'api_key' ? { ...base, via: p.via, apiKeyId: p.apiKeyId } : { ...base, via: p.via };
}

export function authRoutes(deps: AuthRouteDeps): RouteDef[] {
  const { auth, cookies, production, limiter, limits } = deps;
  const respond = (ctx: Context, session: Session, status = 200) => {
    setSessionCookies(ctx, cookies, session, production);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = status;
    ctx.body = sessionBody(session);
  };
  const limitIp = (ctx: Context, bucket: string) => limiter.hit(`auth-ip:${bucket}`, ctx.ip, limits.ip);
  const limitAccount = (bucket: string, email: string) =>
    limiter.hit(`auth-account:${bucket}`, email.toLowerCase(), limits.account);
  /** The refresh token from the body, or from the cookie (the CSRF guard has checked it). */
  const refreshTokenOf = (ctx: Context, body: { refreshToken?: string | undefined }) =>
    body.refreshToken ?? ctx.cookies.get(cookies.refresh);

  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/auth/signup',
        answers: {
          409: 'The email address is registered already (`email_taken`).',
        },
        auth: 'public',
        status: 201,
        response: sessionSchema,
        tag: 'auth',
        summary: 'Create an organisation and its first admin',
        body: signupBody,
      },
      async (ctx, { body }) => {
        await limitIp(ctx, 'signup');
        await limitAccount('signup', body.email);
        respond(ctx, await auth.signup(body, ctx.get('user-agent')), 201);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/auth/login',
        answers: {
          401: 'Wrong email or password (`invalid_credentials`), or the account is deactivated (`account_disabled`).',
        },
        auth: 'public',
        status: 200,
        response: sessionSchema,
        tag: 'auth',
        summary: 'Log in with email and password',
        body: loginBody,
      },
      async (ctx, { body }) => {
        await limitIp(ctx, 'login');
        await limitAccount('login', body.email);
        respond(ctx, await auth.login(body, ctx.get('user-agent')));
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/auth/refresh',
        answers: {
          401: 'No refresh token, or it is invalid, expired or already used (`token_invalid`, `refresh_token_reused`, `unauthenticated`).',
        },
        auth: 'public',
        status: 200,
        response: sessionSchema,
        tag: 'auth',
        summary: 'Rotate the refresh token and get a new access token',
        body: refreshBody,
      },
      async (ctx, { body }) => {
        await limitIp(ctx, 'refresh');
        const token = refreshTokenOf(ctx, body);
        if (!token)
          throw new AppError('unauthenticated', 'Send refreshToken in the body or the refresh cookie');
        try {
          respond(ctx, await auth.refresh(token));
        } catch (err) {
          if (err instanceof AppError && err.status === 401) clearSessionCookies(ctx, cookies, production);
          throw err;
        }
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/auth/logout',
        auth: 'public',
        status: 204,
        tag: 'auth',
        summary: 'End the session (revokes the refresh-token family) and clear cookies',
        body: refreshBody,
      },
      async (ctx, { body }) => {
        await auth.logout(refreshTokenOf(ctx, body));
        clearSessionCookies(ctx, cookies, production);
        ctx.status = 204;
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/auth/accept-invite',
        answers: {
          409: 'The email address is registered already (`email_taken`).',
        },
        auth: 'public',
        status: 200,
        response: sessionSchema,
        tag: 'auth',
        summary: 'Accept an invitation: set a password and log in',
        body: acceptInviteBody,
      },
      async (ctx, { body }) => {
        await limitIp(ctx, 'invite');
        respond(ctx, await auth.acceptInvite(body, ctx.get('user-agent')));
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/me',
        auth: 'viewer',
        status: 200,
        response: meSchema,
        tag: 'auth',
        summary: 'The caller: user (or API key) and organisation',
      },
      async (ctx) => {
        const p = principalOf(ctx);
        const [user, org] = await Promise.all([
          deps.models.User.findOne({ _id: p.userId, orgId: p.orgId }).lean(),
          deps.models.Org.findById(p.orgId).lean(),
        ]);
        if (!user || !org) throw new AppError('unauthenticated');
        ctx.body = meJson(p, user as UserDoc, org as OrgDoc);
      },
    ),
  ];
}
