import { describe, expect, it } from 'vitest';
import { injectSubtitles, subtitleMediaPlaylist } from './subtitle-playlists.js';

const caption = { id: 'a'.repeat(24), language: 'fr', label: 'Français', default: true };

describe('injectSubtitles', () => {
  it('adds the SUBTITLES group before the first variant and references it from every variant, AUDIO group or not', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="English",URI="audio/x/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"',
      '720p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=400000',
      '360p/index.m3u8',
      '',
    ].join('\n');
    const out = injectSubtitles(master, [caption]).split('\n');
    expect(out[3]).toBe(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",LANGUAGE="fr",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="subs/${caption.id}.m3u8"`,
    );
    expect(out[4]).toMatch(/AUDIO="audio",SUBTITLES="subs"$/);
    expect(out[6]).toBe('#EXT-X-STREAM-INF:BANDWIDTH=400000,SUBTITLES="subs"');
  });

  it('leaves a master without captions unchanged and keeps quotes out of names', () => {
    expect(injectSubtitles('#EXTM3U\n', [])).toBe('#EXTM3U\n');
    const out = injectSubtitles('#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8', [{ ...caption, label: 'a"b' }]);
    expect(out).toContain('NAME="ab"');
  });
});

describe('subtitleMediaPlaylist', () => {
  it('is one segment whose target duration is the video duration rounded up', () => {
    const out = subtitleMediaPlaylist('c1', 12.2);
    expect(out).toContain('#EXT-X-TARGETDURATION:13\n');
    expect(out).toContain('#EXTINF:12.200,\nc1.vtt\n#EXT-X-ENDLIST');
  });
});
