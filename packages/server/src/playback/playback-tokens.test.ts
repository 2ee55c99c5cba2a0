import { describe, expect, it } from 'vitest';
import { parsePlaybackKeys } from './playback-keys.js';
import { createPlaybackTokens } from './playback-tokens.js';

const VIDEO = 'a'.repeat(24);
const ORG = 'b'.repeat(24);

describe('playback token verification (cached by signature)', () => {
  it('refuses a token that borrows the signature of one already verified and cached', () => {
    const keyring = parsePlaybackKeys(`k1:${'p'.repeat(40)}`);
    const tokens = createPlaybackTokens({ keyring });
    const { token } = tokens.sign({ videoId: VIDEO, orgId: ORG, ttlSeconds: 60 });
    expect(tokens.verify(token).sub).toBe(VIDEO);
    expect(tokens.verify(token).sub).toBe(VIDEO); // from the cache
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const other = Buffer.from(JSON.stringify({ ...claims, sub: 'c'.repeat(24) })).toString('base64url');
    expect(() => tokens.verify(`${header}.${other}.${signature}`)).toThrow(
      expect.objectContaining({ code: 'playback_token_invalid' }),
    );
    // The real token is still good, and still served from the cache.
    expect(tokens.verify(token).sub).toBe(VIDEO);
  });

  it('refuses a cached token once it expires', () => {
    let clock = 1_800_000_000_000;
    const keys = `k1:${'p'.repeat(40)}`;
    const tokens = createPlaybackTokens({ keyring: parsePlaybackKeys(keys), now: () => clock });
    const { token } = tokens.sign({ videoId: VIDEO, orgId: ORG, ttlSeconds: 60 });
    expect(tokens.verify(token).orgId).toBe(ORG);
    clock += 60_000;
    expect(() => tokens.verify(token)).toThrow(expect.objectContaining({ code: 'playback_token_expired' }));
    expect(() => tokens.verify(token)).toThrow(expect.objectContaining({ code: 'playback_token_expired' }));
  });
});
