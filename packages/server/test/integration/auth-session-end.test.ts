// Ending a session ends its access tokens, on every server instance, within the revocation
// cache's second — against two real API instances sharing the database and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';

let one: TestApi;
let two: TestApi;

beforeAll(async () => {
  [one, two] = await Promise.all([startTestApi(), startTestApi()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([one?.close(), two?.close()]);
});

const me = (api: TestApi, token: string) => call(api.url, 'GET', '/v1/me', { token });

/** Polls until `GET /v1/me` with `token` answers `status` (at most `ms`). */
async function untilStatus(api: TestApi, token: string, status: number, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const res = await me(api, token);
    if (res.status === status || Date.now() > end) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function login(email: string) {
  const res = await call(one.url, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(res.status).toBe(200);
  return res.body as { accessToken: string; refreshToken: string };
}

describe('sessions end when they say they do', () => {
  it('logout ends that session’s access tokens at once here and within a second elsewhere, not other sessions', async () => {
    const admin = await signup(one.url, 'Session Org');
    const other = await login(admin.email);
    expect((await me(one, admin.accessToken)).status).toBe(200);
    expect((await me(two, admin.accessToken)).status).toBe(200);

    const out = await call(one.url, 'POST', '/v1/auth/logout', {
      body: { refreshToken: admin.refreshToken },
    });
    expect(out.status).toBe(204);
    const here = await me(one, admin.accessToken);
    expect(here.status).toBe(401);
    expect(here.body.code).toBe('token_invalid');
    const started = Date.now();
    const there = await untilStatus(two, admin.accessToken, 401);
    expect(there.status).toBe(401);
    // The other instance's copy is at most a second old (plus a busy machine's slack).
    expect(Date.now() - started).toBeLessThan(5_000);

    expect((await me(one, other.accessToken)).status).toBe(200);
    expect((await me(two, other.accessToken)).status).toBe(200);
  });

  it('a replayed refresh token revokes the family, and with it the access tokens of that session', async () => {
    const admin = await signup(one.url, 'Reuse Org');
    const rotated = await call(one.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: admin.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const current = rotated.body.accessToken as string;
    expect((await me(one, current)).status).toBe(200);
    // Rotate once more so the first token is two generations old: a replay, not the grace race.
    const again = await call(one.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(again.status).toBe(200);
    const replay = await call(two.url, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: admin.refreshToken },
    });
    expect(replay.status).toBe(401);
    for (const token of [admin.accessToken, current, again.body.accessToken as string]) {
      expect((await untilStatus(one, token, 401)).status).toBe(401);
      expect((await untilStatus(two, token, 401)).status).toBe(401);
    }
  });
});
