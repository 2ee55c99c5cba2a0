import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  addMember,
  call,
  cookieHeader,
  cookieValue,
  signup,
  startTestApi,
  uniqueEmail,
  type CallResult,
  type TestApi,
} from '../../../../test/support/api-server.js';

let clockOffset = 0;
const now = () => Date.now() + clockOffset;
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({}, { now });
});
afterAll(() => api?.close());

const login = (email: string, password = PASSWORD, headers: Record<string, string> = {}) =>
  call(api.url, 'POST', '/v1/auth/login', { body: { email, password }, headers });

describe('sign-up, login and /v1/me', () => {
  it('creates an organisation with its first admin and logs in', async () => {
    const admin = await signup(api.url, 'Globex');
    const me = await call(api.url, 'GET', '/v1/me', { token: admin.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { email: admin.email, role: 'admin', active: true },
      org: { name: 'Globex', plan: 'free' },
      role: 'admin',
    });
    const again = await login(admin.email);
    expect(again.status).toBe(200);
    expect(again.body.tokenType).toBe('Bearer');
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const admin = await signup(api.url);
    const wrong = await login(admin.email, 'not the password at all');
    const unknown = await login(uniqueEmail('nobody'));
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(unknown.body.code).toBe('invalid_credentials');
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('refuses a second sign-up with the same email (409) and leaves no orphan organisation', async () => {
    const admin = await signup(api.url, 'First');
    const orgsBefore = await api.reelkit.models.Org.countDocuments();
    const res = await call(api.url, 'POST', '/v1/auth/signup', {
      body: { orgName: 'Second', name: 'X', email: admin.email, password: PASSWORD },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email_taken');
    expect(await api.reelkit.models.Org.countDocuments()).toBe(orgsBefore);
  });
});

describe('the documented answers of the public routes', () => {
  // The route matrix checks the authenticated routes' answers; these routes need no credentials.
  /** Checks an answer against the response schema its route declares (the API docs' source). */
  function expectDocumented(method: string, path: string, res: CallResult, status: number) {
    expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(status);
    const route = api.reelkit.routes.find((r) => r.method === method && r.path === path);
    expect(route?.status).toBe(status);
    expect(route?.response, `${method} ${path} has no response schema`).toBeDefined();
    const checked = route!.response!.safeParse(res.body);
    expect(checked.success, `${method} ${path}: ${checked.error?.message}`).toBe(true);
  }

  it('sign-up, login, refresh and accept-invite answer what their schemas say', async () => {
    const email = uniqueEmail('documented');
    const signedUp = await call(api.url, 'POST', '/v1/auth/signup', {
      body: { orgName: 'Documented', name: 'Doc Admin', email, password: PASSWORD },
    });
    expectDocumented('post', '/v1/auth/signup', signedUp, 201);
    expect(signedUp.body.user.lastLoginAt).toBeNull();

    const before = Date.now();
    const first = await login(email);
    expectDocumented('post', '/v1/auth/login', first, 200);
    // A login answer shows that very login.
    expect(Date.parse(first.body.user.lastLoginAt as string)).toBeGreaterThanOrEqual(before - 1000);
    const second = await login(email);
    expectDocumented('post', '/v1/auth/login', second, 200);
    expect(Date.parse(second.body.user.lastLoginAt as string)).toBeGreaterThanOrEqual(
      Date.parse(first.body.user.lastLoginAt as string),
    );

    const refreshed = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expectDocumented('post', '/v1/auth/refresh', refreshed, 200);

    const invite = await call(api.url, 'POST', '/v1/users', {
      token: refreshed.body.accessToken,
      body: { email: uniqueEmail('documented-invitee'), role: 'viewer' },
    });
    expect(invite.status).toBe(201);
    const accepted = await call(api.url, 'POST', '/v1/auth/accept-invite', {
      body: { token: invite.body.inviteToken, password: PASSWORD, name: 'Invited Viewer' },
    });
    expectDocumented('post', '/v1/auth/accept-invite', accepted, 200);
    expect(accepted.body.user).toMatchObject({ name: 'Invited Viewer', status: 'active' });
  });

  it('/v1/me answers what its schema says with a session cookie and with an API key', async () => {
    // The route matrix calls it with bearer access tokens only.
    const admin = await signup(api.url);
    const loggedIn = await login(admin.email);
    const viaCookie = await call(api.url, 'GET', '/v1/me', { cookie: cookieHeader(loggedIn) });
    expectDocumented('get', '/v1/me', viaCookie, 200);
    expect(viaCookie.body.via).toBe('cookie');

    const created = await call(api.url, 'POST', '/v1/api-keys', {
      token: admin.accessToken,
      body: { name: 'documented', role: 'viewer' },
    });
    const viaKey = await call(api.url, 'GET', '/v1/me', { token: created.body.key });
    expectDocumented('get', '/v1/me', viaKey, 200);
    expect(viaKey.body).toMatchObject({ via: 'api_key', apiKeyId: created.body.apiKey.id, role: 'viewer' });
  });
});

describe('refresh-token rotation', () => {
  it('rotates: each refresh answers a new refresh token and a working access token', async () => {
    const admin = await signup(api.url);
    const r1 = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: admin.refreshToken },
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(admin.refreshToken);
    expect((await call(api.url, 'GET', '/v1/me', { token: r1.body.accessToken })).status).toBe(200);
    const r2 = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: r1.body.refreshToken },
    });
    expect(r2.status).toBe(200);
  });

  it.each([1, 2, 3])(
    'lets two tabs refreshing with the same token at once both survive (round %i)',
    async () => {
      const admin = await signup(api.url);
      const [a, b] = await Promise.all([
        call(api.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: admin.refreshToken } }),
        call(api.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: admin.refreshToken } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      // Both tabs can keep going.
      const [a2, b2] = await Promise.all([
        call(api.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: a.body.refreshToken } }),
        call(api.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: b.body.refreshToken } }),
      ]);
      expect([a2.status, b2.status]).toEqual([200, 200]);
    },
  );

  it('rejects a refresh token that was already rotated, after the grace window, and revokes the whole family', async () => {
    const admin = await signup(api.url);
    const r1 = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: admin.refreshToken },
    });
    const r2 = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: r1.body.refreshToken },
    });
    expect(r2.status).toBe(200);
    clockOffset += (api.config.REFRESH_REUSE_GRACE_S + 1) * 1000;
    try {
      const replay = await call(api.url, 'POST', '/v1/auth/refresh', {
        body: { refreshToken: admin.refreshToken },
      });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('refresh_token_reused');
      // The thief's replay ended the legitimate session too.
      const legit = await call(api.url, 'POST', '/v1/auth/refresh', {
        body: { refreshToken: r2.body.refreshToken },
      });
      expect(legit.status).toBe(401);
      expect(legit.body.code).toBe('refresh_token_reused');
    } finally {
      clockOffset = 0;
    }
  });

  it('refuses an access token as a refresh token', async () => {
    const admin = await signup(api.url);
    const res = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: admin.accessToken },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_invalid');
  });
});

describe('cookies, logout and CSRF', () => {
  it('sets httpOnly SameSite=Lax session cookies and a readable CSRF cookie', async () => {
    const admin = await signup(api.url);
    const res = await login(admin.email);
    const setCookies = res.headers.getSetCookie();
    const access = setCookies.find((c) => c.startsWith('rk_access='))!;
    const csrf = setCookies.find((c) => c.startsWith('rk_csrf='))!;
    expect(access).toMatch(/httponly/i);
    expect(access).toMatch(/samesite=lax/i);
    expect(csrf).not.toMatch(/httponly/i);
  });

  it('logout revokes the family and clears the cookies', async () => {
    const admin = await signup(api.url);
    const res = await call(api.url, 'POST', '/v1/auth/logout', {
      body: { refreshToken: admin.refreshToken },
    });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().filter((c) => /expires=Thu, 01 Jan 1970/i.test(c))).toHaveLength(3);
    const after = await call(api.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: admin.refreshToken },
    });
    expect(after.status).toBe(401);
  });

  it('a cross-site form POST carrying the session cookie gets 403', async () => {
    const admin = await signup(api.url);
    const session = await login(admin.email);
    const cookie = cookieHeader(session);
    const form = await call(api.url, 'POST', '/v1/api-keys', {
      cookie,
      body: 'name=stolen&role=admin',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(form.status).toBe(403);
    expect(form.body.code).toBe('csrf_failed');
    // Right origin but no double-submit token: still refused.
    const noToken = await call(api.url, 'POST', '/v1/api-keys', {
      cookie,
      body: { name: 'x' },
      headers: { origin: api.config.DASHBOARD_URL },
    });
    expect(noToken.status).toBe(403);
    // Our dashboard: allowed origin and the CSRF cookie echoed in a header.
    const ok = await call(api.url, 'POST', '/v1/api-keys', {
      cookie,
      body: { name: 'from dashboard', role: 'viewer' },
      headers: {
        origin: new URL(api.config.DASHBOARD_URL).origin,
        'x-csrf-token': cookieValue(session, 'rk_csrf')!,
      },
    });
    expect(ok.status).toBe(201);
    // Reads with the cookie need no CSRF token.
    expect((await call(api.url, 'GET', '/v1/me', { cookie })).status).toBe(200);
  });
});

describe('members: roles, deactivation and invitations', () => {
  it('a demotion applies to the very next request, not when the token expires', async () => {
    const admin = await signup(api.url);
    const editor = await addMember(api.url, admin.accessToken, 'editor');
    const before = await call(api.url, 'GET', '/v1/me', { token: editor.accessToken });
    expect(before.body.role).toBe('editor');
    await call(api.url, 'PATCH', `/v1/users/${editor.id}`, {
      token: admin.accessToken,
      body: { role: 'viewer' },
    });
    const after = await call(api.url, 'GET', '/v1/me', { token: editor.accessToken });
    expect(after.body.role).toBe('viewer');
    const promoted = await addMember(api.url, admin.accessToken, 'admin');
    await call(api.url, 'PATCH', `/v1/users/${promoted.id}`, {
      token: admin.accessToken,
      body: { role: 'editor' },
    });
    expect((await call(api.url, 'GET', '/v1/users', { token: promoted.accessToken })).status).toBe(403);
  });

  it('a deactivation applies to the very next request and ends refresh', async () => {
    const admin = await signup(api.url);
    const viewer = await addMember(api.url, admin.accessToken, 'viewer');
    expect((await call(api.url, 'GET', '/v1/me', { token: viewer.accessToken })).status).toBe(200);
    const patched = await call(api.url, 'PATCH', `/v1/users/${viewer.id}`, {
      token: admin.accessToken,
      body: { active: false },
    });
    expect(patched.body).toMatchObject({ active: false, status: 'deactivated' });
    const me = await call(api.url, 'GET', '/v1/me', { token: viewer.accessToken });
    expect(me.status).toBe(401);
    expect(
      (await call(api.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: viewer.refreshToken } }))
        .status,
    ).toBe(401);
    expect((await login(viewer.email)).body.code).toBe('account_disabled');
  });

  it('invitation links work exactly once', async () => {
    const admin = await signup(api.url);
    const invite = await call(api.url, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: { email: uniqueEmail('inv'), role: 'editor' },
    });
    expect(invite.status).toBe(201);
    expect(invite.body.inviteUrl).toMatch(/\/accept-invite#token=/);
    expect(invite.body.user.status).toBe('invited');
    // An admin cannot switch a pending invitation to active (it has no password yet).
    const forced = await call(api.url, 'PATCH', `/v1/users/${invite.body.user.id}`, {
      token: admin.accessToken,
      body: { active: true },
    });
    expect(forced.status).toBe(409);
    expect(forced.body.code).toBe('invitation_pending');
    const first = await call(api.url, 'POST', '/v1/auth/accept-invite', {
      body: { token: invite.body.inviteToken, password: PASSWORD },
    });
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ role: 'editor', active: true, status: 'active' });
    const second = await call(api.url, 'POST', '/v1/auth/accept-invite', {
      body: { token: invite.body.inviteToken, password: PASSWORD },
    });
    expect(second.status).toBe(400);
    expect(second.body.code).toBe('invite_invalid');
  });

  it('never leaves an organisation without an active admin', async () => {
    const admin = await signup(api.url);
    const demote = await call(api.url, 'PATCH', `/v1/users/${admin.id}`, {
      token: admin.accessToken,
      body: { role: 'editor' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('last_admin');
    expect(
      (await call(api.url, 'DELETE', `/v1/users/${admin.id}`, { token: admin.accessToken })).status,
    ).toBe(409);
  });
});

describe('API keys', () => {
  it('shows the secret once, stores it hashed, and authenticates with a role capped by its creator', async () => {
    const admin = await signup(api.url);
    const created = await call(api.url, 'POST', '/v1/api-keys', {
      token: admin.accessToken,
      body: { name: 'backend', role: 'admin' },
    });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^rk_[A-Za-z0-9]{12}_/);
    const list = await call(api.url, 'GET', '/v1/api-keys', { token: admin.accessToken });
    // The secret is base64url and may itself contain `_`: everything after the prefix.
    const secret = key.slice('rk_'.length + 12 + 1);
    expect(secret).toHaveLength(43);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain('secretHash');
    const stored = await api.reelkit.models.ApiKey.findById(created.body.apiKey.id)
      .select('+secretHash')
      .lean();
    expect(stored?.secretHash).not.toContain(secret);

    const me = await call(api.url, 'GET', '/v1/me', { token: key });
    expect(me.body).toMatchObject({ role: 'admin', via: 'api_key' });

    // An editor cannot mint an admin key.
    const editor = await addMember(api.url, admin.accessToken, 'editor');
    const second = await addMember(api.url, admin.accessToken, 'admin');
    const tooMuch = await call(api.url, 'POST', '/v1/api-keys', {
      token: editor.accessToken,
      body: { name: 'x' },
    });
    expect(tooMuch.status).toBe(403);
    // A key made by an admin who is then demoted can do no more than its creator now can.
    const keyOfSecond = await call(api.url, 'POST', '/v1/api-keys', {
      token: second.accessToken,
      body: { name: 'k', role: 'admin' },
    });
    await call(api.url, 'PATCH', `/v1/users/${second.id}`, {
      token: admin.accessToken,
      body: { role: 'viewer' },
    });
    expect((await call(api.url, 'GET', '/v1/me', { token: keyOfSecond.body.key })).body.role).toBe('viewer');
    expect((await call(api.url, 'GET', '/v1/users', { token: keyOfSecond.body.key })).status).toBe(403);

    const revoked = await call(api.url, 'DELETE', `/v1/api-keys/${created.body.apiKey.id}`, {
      token: admin.accessToken,
    });
    expect(revoked.status).toBe(204);
    const after = await call(api.url, 'GET', '/v1/me', { token: key });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('api_key_invalid');
  });
});

describe('input validation', () => {
  it('refuses NoSQL operator injection in login', async () => {
    for (const body of [
      { email: { $ne: null }, password: { $ne: null } },
      { email: 'a@example.com', password: 'whatever', $where: 'sleep(1000)' },
      { email: { $regex: '.*' }, password: 'x' },
    ]) {
      const res = await call(api.url, 'POST', '/v1/auth/login', { body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const admin = await signup(api.url);
    const q = await call(api.url, 'GET', '/v1/users?cursor[$gt]=', { token: admin.accessToken });
    expect(q.status).toBe(400);
  });

  it('rejects fields that do not belong (orgId, role, plan) instead of applying them', async () => {
    const admin = await signup(api.url);
    const other = await signup(api.url);
    for (const [method, path, body] of [
      ['PATCH', '/v1/org', { name: 'x', plan: 'enterprise' }],
      ['PATCH', '/v1/org', { orgId: other.orgId }],
      ['PATCH', `/v1/users/${admin.id}`, { orgId: other.orgId }],
      ['POST', '/v1/users', { email: uniqueEmail(), role: 'viewer', orgId: other.orgId }],
    ] as const) {
      const res = await call(api.url, method, path, { token: admin.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const signupWithRole = await call(api.url, 'POST', '/v1/auth/signup', {
      body: { orgName: 'x', name: 'x', email: uniqueEmail(), password: PASSWORD, role: 'admin' },
    });
    expect(signupWithRole.status).toBe(400);
    expect((await call(api.url, 'GET', '/v1/org', { token: admin.accessToken })).body.plan).toBe('free');
  });

  it('answers malformed JSON and wrong content types with clear 4xx', async () => {
    const bad = await call(api.url, 'POST', '/v1/auth/login', {
      body: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_json');
    const text = await call(api.url, 'POST', '/v1/auth/login', {
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('validates embed origins', async () => {
    const admin = await signup(api.url);
    const bad = await call(api.url, 'PATCH', '/v1/org', {
      token: admin.accessToken,
      body: { embedOrigins: ['https://ok.example', 'javascript:alert(1)'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('embedOrigins.1');
    const good = await call(api.url, 'PATCH', '/v1/org', {
      token: admin.accessToken,
      body: { embedOrigins: ['https://Blog.Example/', 'http://localhost:8080'] },
    });
    expect(good.body.embedOrigins).toEqual(['https://blog.example', 'http://localhost:8080']);
  });
});

describe('secrets never leak', () => {
  it('no response and no log line contains a password or a password hash', async () => {
    const password = `Sup3r-secret-${Date.now()}`;
    const email = uniqueEmail('secret');
    const responses: string[] = [];
    const r1 = await call(api.url, 'POST', '/v1/auth/signup', {
      body: { orgName: 'Secretive', name: 'S', email, password },
    });
    responses.push(r1.text);
    responses.push((await login(email, password)).text);
    responses.push((await login(email, `${password}-wrong`)).text);
    responses.push((await call(api.url, 'GET', '/v1/users', { token: r1.body.accessToken })).text);
    responses.push((await call(api.url, 'GET', '/v1/me', { token: r1.body.accessToken })).text);
    responses.push(
      (await call(api.url, 'POST', '/v1/auth/login', { body: { email: { $ne: null }, password } })).text,
    );
    const all = [...responses, ...api.logs].join('\n');
    expect(all).not.toContain(password);
    expect(all).not.toMatch(/passwordHash|scrypt\$/);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After when login is hammered from one IP', async () => {
    // Counters of their own: other tests in this run log in from the same IP.
    const limited = await startTestApi({
      REDIS_PREFIX: `${api.config.REDIS_PREFIX}-rl-ip`,
      RATE_LIMIT_AUTH_IP_PER_MIN: '3',
      RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '100',
    });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await call(limited.url, 'POST', '/v1/auth/login', {
          body: { email: uniqueEmail(), password: 'x' },
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(last!.body.code).toBe('rate_limited');
      const retryAfter = Number(last!.headers.get('retry-after'));
      // Three allowed at once: the fourth fits once enough of them slid out, in the next window.
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(120);
    } finally {
      await limited.close();
    }
  });

  it('limits attempts per account across IPs', async () => {
    const limited = await startTestApi({
      REDIS_PREFIX: `${api.config.REDIS_PREFIX}-rl-acct`,
      RATE_LIMIT_AUTH_IP_PER_MIN: '100',
      RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '2',
    });
    try {
      const email = uniqueEmail('target');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await call(limited.url, 'POST', '/v1/auth/login', { body: { email, password: 'guess' } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
