import { describe, expect, it } from 'vitest';
import { createTokenService } from '../auth/tokens.js';
import { parsePlaybackKeys } from '../playback/playback-keys.js';
import { createPlaybackTokens } from '../playback/playback-tokens.js';
import {
  checkRefresh,
  grantFromToken,
  msUntilExpiry,
  roomsOfGrant,
  type SocketGrant,
} from './socket-grant.js';
import { adapterKey, roomsFor } from './rooms.js';

const T0 = 1_700_000_000_000;
const secret = 'x'.repeat(40);
const tokens = createTokenService({ secret, accessTtlSeconds: 900, refreshTtlSeconds: 3600, now: () => T0 });
const keyring = parsePlaybackKeys(`k1:${'p'.repeat(40)}`);
const playbackTokens = createPlaybackTokens({ keyring, now: () => T0 });
const deps = { tokens, playbackTokens };
const ORG = 'a'.repeat(24);
const VIDEO = 'b'.repeat(24);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('grantFromToken', () => {
  it('grants the organisation to an access token', () => {
    const { token } = tokens.signAccess({ sub: 'u1', orgId: ORG, role: 'viewer', ver: 0 });
    const grant = grantFromToken(token, undefined, deps);
    expect(grant).toMatchObject({ kind: 'org', orgId: ORG, userId: 'u1', ver: 0 });
    expect(roomsOfGrant(grant)).toEqual([`org:${ORG}`, `org:${ORG}:user:u1`]);
  });

  it('grants only its video to a playback token', () => {
    const { token } = playbackTokens.sign({ videoId: VIDEO, orgId: ORG, ttlSeconds: 60 });
    const grant = grantFromToken(token, 'https://any.example', deps);
    expect(grant).toMatchObject({ kind: 'video', orgId: ORG, videoId: VIDEO, exp: T0 / 1000 + 60 });
    expect(roomsOfGrant(grant)).toEqual([`org:${ORG}:video:${VIDEO}`]);
  });

  it('answers a code for a missing, malformed, expired or foreign token', () => {
    expect(codeOf(() => grantFromToken(undefined, undefined, deps))).toBe('unauthenticated');
    expect(codeOf(() => grantFromToken('', undefined, deps))).toBe('unauthenticated');
    expect(codeOf(() => grantFromToken('nope', undefined, deps))).toBe('token_invalid');
    const later = createTokenService({
      secret,
      accessTtlSeconds: 900,
      refreshTtlSeconds: 3600,
      now: () => T0 + 901_000,
    });
    const { token } = tokens.signAccess({ sub: 'u1', orgId: ORG, role: 'viewer', ver: 0 });
    expect(codeOf(() => grantFromToken(token, undefined, { ...deps, tokens: later }))).toBe('token_expired');
    const refresh = tokens.signRefresh({ sub: 'u1', orgId: ORG, fam: 'f', ver: 0, jti: 'j' }).token;
    expect(codeOf(() => grantFromToken(refresh, undefined, deps))).toBe('token_invalid');
    const other = createTokenService({
      secret: 'y'.repeat(40),
      accessTtlSeconds: 900,
      refreshTtlSeconds: 3600,
    });
    const forged = other.signAccess({ sub: 'u1', orgId: ORG, role: 'admin', ver: 0 }).token;
    expect(codeOf(() => grantFromToken(forged, undefined, deps))).toBe('token_invalid');
  });

  it('refuses an expired playback token and one used from an origin it does not allow', () => {
    const short = playbackTokens.sign({ videoId: VIDEO, orgId: ORG, ttlSeconds: 10 }).token;
    const later = createPlaybackTokens({ keyring, now: () => T0 + 11_000 });
    expect(codeOf(() => grantFromToken(short, undefined, { ...deps, playbackTokens: later }))).toBe(
      'playback_token_expired',
    );
    const bound = playbackTokens.sign({
      videoId: VIDEO,
      orgId: ORG,
      ttlSeconds: 60,
      origins: ['https://blog.example'],
    }).token;
    expect(codeOf(() => grantFromToken(bound, 'https://evil.example', deps))).toBe('playback_origin_refused');
    expect(codeOf(() => grantFromToken(bound, undefined, deps))).toBe('playback_origin_refused');
    expect(grantFromToken(bound, 'https://blog.example', deps).kind).toBe('video');
  });
});

describe('checkRefresh', () => {
  const org: SocketGrant = { kind: 'org', orgId: ORG, userId: 'u1', ver: 0, exp: 1 };
  const video: SocketGrant = { kind: 'video', orgId: ORG, videoId: VIDEO, exp: 1 };
  it('accepts a token with the same scope and refuses one that would change rooms', () => {
    expect(() => checkRefresh(org, { ...org, userId: 'u2', exp: 2 })).not.toThrow();
    expect(() => checkRefresh(video, { ...video, exp: 2 })).not.toThrow();
    expect(codeOf(() => checkRefresh(org, { ...org, orgId: 'c'.repeat(24) }))).toBe('token_scope_changed');
    expect(codeOf(() => checkRefresh(video, { ...video, videoId: 'c'.repeat(24) }))).toBe(
      'token_scope_changed',
    );
    expect(codeOf(() => checkRefresh(video, org))).toBe('token_scope_changed');
    expect(codeOf(() => checkRefresh(org, video))).toBe('token_scope_changed');
  });

  it('computes the delay to expiry, clamped to what a timer takes', () => {
    expect(msUntilExpiry({ ...org, exp: 100 }, 99_500)).toBe(500);
    expect(msUntilExpiry({ ...org, exp: 100 }, 100_500)).toBe(-500);
    expect(msUntilExpiry({ ...org, exp: 1e12 }, 0)).toBe(2 ** 31 - 1);
  });
});

describe('rooms', () => {
  it('sends a video event to the org room and the video room, scoped by org', () => {
    expect(roomsFor({ orgId: ORG, videoId: VIDEO })).toEqual([`org:${ORG}`, `org:${ORG}:video:${VIDEO}`]);
    expect(roomsFor({ orgId: ORG })).toEqual([`org:${ORG}`]);
    expect(adapterKey('reelkit')).toBe('reelkit:socket.io');
  });
});
