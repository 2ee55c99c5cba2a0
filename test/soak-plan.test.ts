// The pure parts of the soak harness: the fault schedule and the playlist reading its viewers do.
import { describe, expect, it } from 'vitest';
import { FAULTS, planFaults } from '../bench/soak/faults.js';
import { masterUris, mediaPlaylist } from '../bench/soak/viewers.js';

describe('planFaults', () => {
  it('spaces every fault once inside the run, with quiet time before the first and after the last', () => {
    const plan = planFaults(80_000);
    expect(plan.map((p) => p.name)).toEqual([...FAULTS]);
    expect(plan[0]!.at).toBe(10_000);
    expect(plan.at(-1)!.at).toBe(60_000);
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.at).toBeGreaterThan(plan[i - 1]!.at);
  });

  it('takes a subset', () => {
    expect(planFaults(30_000, ['disk full'])).toEqual([{ name: 'disk full', at: 10_000 }]);
  });
});

describe('playlists as a viewer reads them', () => {
  const base = 'http://127.0.0.1:9/v1/play/tok/vid/master.m3u8';
  it('finds variants and audio renditions, resolved against the master', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",URI="audio_0/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",URI="captions/en.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud"',
      '360p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000,AUDIO="aud"',
      '720p/index.m3u8',
    ].join('\n');
    expect(masterUris(master, base)).toEqual({
      variants: [
        'http://127.0.0.1:9/v1/play/tok/vid/360p/index.m3u8',
        'http://127.0.0.1:9/v1/play/tok/vid/720p/index.m3u8',
      ],
      audio: ['http://127.0.0.1:9/v1/play/tok/vid/audio_0/index.m3u8'],
    });
  });

  it('reads the init segment and each segment with its duration', () => {
    const media = [
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:2.000,',
      'seg_0.m4s',
      '#EXTINF:1.5,',
      'seg_1.m4s',
      '#EXT-X-ENDLIST',
    ].join('\n');
    const url = 'http://127.0.0.1:9/v1/play/tok/vid/360p/index.m3u8';
    expect(mediaPlaylist(media, url)).toEqual({
      init: 'http://127.0.0.1:9/v1/play/tok/vid/360p/init.mp4',
      segments: [
        { url: 'http://127.0.0.1:9/v1/play/tok/vid/360p/seg_0.m4s', duration: 2 },
        { url: 'http://127.0.0.1:9/v1/play/tok/vid/360p/seg_1.m4s', duration: 1.5 },
      ],
    });
  });
});
