import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jwtExpiry, renewalDelay, TokenKeeper } from './token-keeper.js';

const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (exp: number) => `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: 'v', exp }))}.sig`;

describe('renewalDelay', () => {
  it('renews 30 s before a long-lived token expires', () => {
    expect(renewalDelay(15 * 60_000, 0)).toBe(15 * 60_000 - 30_000);
  });
  it('renews a short-lived token after 70 % of its lifetime', () => {
    expect(renewalDelay(20_000, 0)).toBe(14_000);
  });
  it('renews an expired token at once', () => {
    expect(renewalDelay(1000, 5000)).toBe(0);
  });
});

describe('jwtExpiry', () => {
  it('reads exp from a JWT and ignores anything else', () => {
    expect(jwtExpiry(jwt(1_700_000_000))).toBe(1_700_000_000_000);
    expect(jwtExpiry('rk_notajwt')).toBeUndefined();
    expect(jwtExpiry('a.!!!.c')).toBeUndefined();
  });
});

describe('TokenKeeper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('renews through getToken before expiry, then again before the new token expires', async () => {
    let n = 0;
    const getToken = vi.fn(async () => ({ token: `t${++n}`, expiresAt: Date.now() + 20_000 }));
    const keeper = new TokenKeeper({ videoId: 'v1', token: 't0', expiresAt: 20_000, getToken });
    const seen: string[] = [];
    keeper.on('token', (e) => seen.push(e.token));

    await vi.advanceTimersByTimeAsync(13_999);
    expect(getToken).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(getToken).toHaveBeenCalledWith('v1');
    expect(keeper.token).toBe('t1');
    expect(keeper.expiresAt).toBe(34_000);

    await vi.advanceTimersByTimeAsync(14_000);
    expect(keeper.token).toBe('t2');
    expect(seen).toEqual(['t1', 't2']);
    keeper.destroy();
  });

  it('reads the expiry from a JWT when getToken returns a bare string', async () => {
    const getToken = vi.fn(() => jwt(100));
    const keeper = new TokenKeeper({ videoId: 'v', token: jwt(10), getToken });
    expect(keeper.expiresAt).toBe(10_000);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(keeper.expiresAt).toBe(100_000);
    keeper.destroy();
  });

  it('shares one getToken call between concurrent renewals', async () => {
    let resolve!: (t: string) => void;
    const getToken = vi.fn(() => new Promise<string>((r) => (resolve = r)));
    const keeper = new TokenKeeper({ videoId: 'v', getToken });
    const a = keeper.renew();
    const b = keeper.renew();
    resolve('fresh');
    expect(await a).toBe('fresh');
    expect(await b).toBe('fresh');
    expect(getToken).toHaveBeenCalledTimes(1);
    keeper.destroy();
  });

  it('retries a failed renewal and reports an error only once the token runs out', async () => {
    const getToken = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValue(jwt(600));
    const keeper = new TokenKeeper({
      videoId: 'v',
      token: 'x',
      expiresAt: 10_000,
      getToken,
      retryDelays: [1000, 2000],
    });
    const errors = vi.fn();
    keeper.on('error', errors);
    await vi.advanceTimersByTimeAsync(7_000); // first attempt fails
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(errors).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000); // second fails; the next retry would land after expiry
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(errors).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(keeper.token).toBe(jwt(600));
    keeper.destroy();
  });

  it('does not schedule anything without getToken, nor after destroy()', async () => {
    const getToken = vi.fn(async () => 'y');
    const keeper = new TokenKeeper({ videoId: 'v', token: 'x', expiresAt: 5_000, getToken });
    keeper.destroy();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(getToken).not.toHaveBeenCalled();
    const fixed = new TokenKeeper({ videoId: 'v', token: 'x', expiresAt: 5_000 });
    expect(fixed.canRenew).toBe(false);
    await expect(fixed.renew()).rejects.toMatchObject({ code: 'playback_token_expired' });
  });
});
