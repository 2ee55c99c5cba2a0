import { describe, expect, it } from 'vitest';
import { buildMasterPlaylist, measureBandwidth, parseMediaPlaylist } from './hls-playlists.js';

describe('buildMasterPlaylist', () => {
  it('lists every variant, highest first, with bandwidths, resolution, codecs and frame rate', () => {
    const text = buildMasterPlaylist([
      {
        uri: '360p/index.m3u8',
        bandwidth: 950_000.2,
        averageBandwidth: 900_000,
        width: 640,
        height: 360,
        codecs: 'avc1.64001e,mp4a.40.2',
        frameRate: 30,
      },
      {
        uri: '720p/index.m3u8',
        bandwidth: 3_100_000,
        averageBandwidth: 2_900_000,
        width: 1280,
        height: 720,
        codecs: 'avc1.64001f,mp4a.40.2',
        frameRate: 29.97,
      },
    ]);
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2900000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=29.970',
        '720p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=950001,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=30.000',
        '360p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('omits mp4a for a silent source', () => {
    const text = buildMasterPlaylist([
      {
        uri: 'a.m3u8',
        bandwidth: 1,
        averageBandwidth: 1,
        width: 2,
        height: 2,
        codecs: 'avc1.64000d',
        frameRate: 25,
      },
    ]);
    expect(text).toContain('CODECS="avc1.64000d"');
    expect(text).not.toContain('mp4a');
  });
});

describe('parseMediaPlaylist', () => {
  it('reads the init segment, the segments and their durations', () => {
    const p = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI="init.mp4"\n' +
        '#EXTINF:4.000000,\nseg_00001.m4s\n#EXTINF:1.5,\nseg_00002.m4s\n#EXT-X-ENDLIST\n',
    );
    expect(p).toEqual({
      targetDuration: 4,
      initUri: 'init.mp4',
      playlistType: 'VOD',
      ended: true,
      segments: [
        { uri: 'seg_00001.m4s', duration: 4 },
        { uri: 'seg_00002.m4s', duration: 1.5 },
      ],
    });
  });

  it('refuses text that is not a playlist', () => {
    expect(() => parseMediaPlaylist('hello')).toThrow(/EXTM3U/);
    expect(() => parseMediaPlaylist('#EXTM3U\nseg.m4s\n')).toThrow(/EXTINF/);
  });
});

describe('measureBandwidth', () => {
  it('gives the peak segment bitrate and the average, ignoring a short last segment for the peak', () => {
    expect(
      measureBandwidth([
        { duration: 4, bytes: 500_000 },
        { duration: 4, bytes: 1_000_000 },
        { duration: 0.5, bytes: 400_000 },
      ]),
    ).toEqual({ bandwidth: 2_000_000, averageBandwidth: Math.ceil((1_900_000 * 8) / 8.5) });
  });
});
