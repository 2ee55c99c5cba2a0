import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDeliveryPath, REVALIDATE, SHORT_LIVED } from './delivery-path.js';

describe('parseDeliveryPath', () => {
  it('makes caches revalidate the files that follow caption edits, and only those', () => {
    const ids = 'a'.repeat(24);
    for (const path of ['hls/master.m3u8', `hls/subs/${ids}.m3u8`, `hls/subs/${ids}.vtt`]) {
      expect(parseDeliveryPath(path)?.cacheControl).toBe(REVALIDATE);
    }
    expect(parseDeliveryPath('hls/720p/index.m3u8')?.cacheControl).toBe(SHORT_LIVED);
  });

  it.each([
    ['hls/master.m3u8', 'master'],
    ['hls/720p/index.m3u8', 'variant'],
    ['hls/1080p/init.mp4', 'init'],
    ['hls/240p/seg_00042.m4s', 'segment'],
    ['poster.jpg', 'poster'],
    ['storyboard.jpg', 'storyboard'],
    ['storyboard.vtt', 'storyboard-vtt'],
    ['mp4/480p.mp4', 'mp4'],
    ['mp4/audio.m4a', 'mp4'],
    ['hls/audio/128k/index.m3u8', 'variant'],
    ['hls/audio/a0/index.m3u8', 'variant'],
    ['hls/audio/a1/init.mp4', 'init'],
    ['hls/audio/a0/seg_00003.m4s', 'segment'],
  ])('serves %s as %s', (path, kind) => {
    expect(parseDeliveryPath(path)?.kind).toBe(kind);
  });

  it.each([
    '../../etc/passwd',
    'hls/../source',
    'hls/%2e%2e/source',
    '%2e%2e%2fsource',
    'hls%2fmaster.m3u8',
    'hls/720p/..%2f..%2fsource',
    '/etc/passwd',
    'hls//master.m3u8',
    'source',
    'hls\\master.m3u8',
    'hls/720p/seg_1.m4s',
    'hls/720p/seg_00001.m4s/',
    'HLS/master.m3u8',
    'hls/audio/../master.m3u8',
    'hls/audio/a0/../../source',
    'hls/audio/A0/index.m3u8',
    'hls/audio/index.m3u8',
    '',
  ])('refuses %j', (path) => {
    expect(parseDeliveryPath(path)).toBeNull();
  });

  it('never accepts a path with a dot-dot segment, an encoded byte or a leading slash', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('..', '%2e', '%2f', '/'), fc.string(), (a, bad, b) => {
        const path = bad === '/' ? `/${a}${b}` : `${a}${bad}${b}`;
        expect(parseDeliveryPath(path)).toBeNull();
      }),
    );
  });

  it('only ever returns paths made of safe characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const t = parseDeliveryPath(s);
        if (t) expect(t.path).toMatch(/^[a-z0-9_/.]+$/);
      }),
    );
  });
});
