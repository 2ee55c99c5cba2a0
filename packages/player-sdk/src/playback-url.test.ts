import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { playbackTokenOf, withPlaybackToken } from './playback-url.js';

describe('withPlaybackToken', () => {
  it('swaps the token in the path of a signed URL', () => {
    expect(
      withPlaybackToken('https://v.example.com/v1/play/old.tok.en/vid1/hls/720/seg-3.m4s', 'new.tok.en'),
    ).toBe('https://v.example.com/v1/play/new.tok.en/vid1/hls/720/seg-3.m4s');
  });

  it('keeps the query string and fragment', () => {
    expect(withPlaybackToken('/v1/play/a/v/hls/master.m3u8?x=1#t', 'b')).toBe(
      '/v1/play/b/v/hls/master.m3u8?x=1#t',
    );
  });

  it('replaces a token query parameter when the URL has one', () => {
    expect(withPlaybackToken('https://cdn.example.com/v/master.m3u8?token=a&x=1', 'b')).toBe(
      'https://cdn.example.com/v/master.m3u8?token=b&x=1',
    );
  });

  it('leaves a URL without a token alone', () => {
    expect(withPlaybackToken('https://cdn.example.com/public/master.m3u8', 'b')).toBe(
      'https://cdn.example.com/public/master.m3u8',
    );
  });

  it('round-trips any token (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        const url = withPlaybackToken(
          `https://x.test/v1/play/${encodeURIComponent(a)}/vid/hls/master.m3u8`,
          b,
        );
        expect(playbackTokenOf(url)).toBe(b);
        expect(url.endsWith('/vid/hls/master.m3u8')).toBe(true);
      }),
    );
  });
});

describe('playbackTokenOf', () => {
  it('reads the token from the path or the query', () => {
    expect(playbackTokenOf('http://h/v1/play/abc/v/hls/master.m3u8')).toBe('abc');
    expect(playbackTokenOf('http://h/master.m3u8?token=xyz')).toBe('xyz');
    expect(playbackTokenOf('http://h/master.m3u8')).toBeUndefined();
  });
});
