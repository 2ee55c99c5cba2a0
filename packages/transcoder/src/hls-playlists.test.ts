import { describe, expect, it } from 'vitest';
import {
  buildAudioOnlyMasterPlaylist,
  buildMasterPlaylist,
  buildMediaPlaylist,
  measureBandwidth,
  parseMediaPlaylist,
  withAudio,
} from './hls-playlists.js';

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

  it('writes the audio group first and points every video-only variant at it', () => {
    const audio = [
      { bandwidth: 140_000, averageBandwidth: 130_000, codecs: 'mp4a.40.2' },
      { bandwidth: 150_000, averageBandwidth: 129_000, codecs: 'mp4a.40.2' },
    ];
    const video = withAudio(
      {
        uri: '720p/index.m3u8',
        bandwidth: 3_000_000,
        averageBandwidth: 2_800_000,
        width: 1280,
        height: 720,
        codecs: 'avc1.64001f',
        frameRate: 30,
      },
      audio,
    );
    expect(video).toMatchObject({
      bandwidth: 3_150_000,
      averageBandwidth: 2_930_000,
      codecs: 'avc1.64001f,mp4a.40.2',
    });
    const text = buildMasterPlaylist(
      [video],
      [
        { uri: 'audio/a0/index.m3u8', name: 'English', language: 'en', default: true, channels: 2 },
        { uri: 'audio/a1/index.m3u8', name: 'Say "hi"\nthere', language: null, default: false, channels: 2 },
      ],
    );
    expect(text.split('\n').slice(3, 7)).toEqual([
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/a0/index.m3u8"',
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Say 'hi' there",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/a1/index.m3u8"`,
      '#EXT-X-STREAM-INF:BANDWIDTH=3150000,AVERAGE-BANDWIDTH=2930000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000,AUDIO="audio"',
      '720p/index.m3u8',
    ]);
    expect(withAudio(video, [])).toBe(video);
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

describe('buildAudioOnlyMasterPlaylist', () => {
  it('lists audio-only variants, highest first, with bandwidths and the AAC codec and no RESOLUTION', () => {
    const text = buildAudioOnlyMasterPlaylist([
      { uri: 'audio/64k/index.m3u8', bandwidth: 70_000.4, averageBandwidth: 66_000, codecs: 'mp4a.40.2' },
      { uri: 'audio/128k/index.m3u8', bandwidth: 135_000, averageBandwidth: 131_000, codecs: 'mp4a.40.2' },
    ]);
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=135000,AVERAGE-BANDWIDTH=131000,CODECS="mp4a.40.2"',
        'audio/128k/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=70001,AVERAGE-BANDWIDTH=66000,CODECS="mp4a.40.2"',
        'audio/64k/index.m3u8',
        '',
      ].join('\n'),
    );
  });
});

describe('buildMediaPlaylist', () => {
  const segments = [
    { uri: 'seg_00001.m4s', duration: 4.010667 },
    { uri: 'seg_00002.m4s', duration: 3.989333 },
    { uri: 'seg_00003.m4s', duration: 2.238125 },
  ];

  it("writes the VOD playlist ffmpeg's HLS muxer writes: every segment, in order, and the end", () => {
    expect(buildMediaPlaylist({ initUri: 'init.mp4', segments, mediaSequence: 1, independentSegments: true }))
      .toBe(`#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:1
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init.mp4"
#EXTINF:4.010667,
seg_00001.m4s
#EXTINF:3.989333,
seg_00002.m4s
#EXTINF:2.238125,
seg_00003.m4s
#EXT-X-ENDLIST
`);
    const audio = buildMediaPlaylist({
      initUri: 'init.mp4',
      segments,
      mediaSequence: 0,
      independentSegments: false,
    });
    expect(audio).not.toContain('INDEPENDENT');
    expect(audio).toContain('#EXT-X-MEDIA-SEQUENCE:0\n');
    const parsed = parseMediaPlaylist(audio);
    expect(parsed).toMatchObject({
      targetDuration: 4,
      initUri: 'init.mp4',
      ended: true,
      playlistType: 'VOD',
    });
    expect(parsed.segments).toEqual(segments);
  });

  it('sets the target duration to the longest EXTINF rounded to the nearest integer (RFC 8216 4.3.3.1)', () => {
    const target = (durations: number[]) =>
      parseMediaPlaylist(
        buildMediaPlaylist({
          initUri: 'init.mp4',
          segments: durations.map((duration, i) => ({ uri: `s${i}.m4s`, duration })),
          mediaSequence: 1,
          independentSegments: false,
        }),
      ).targetDuration;
    expect(target([4, 4.4999994])).toBe(4);
    expect(target([4, 4.5])).toBe(5);
    // A duration that prints as 4.500000 counts as what a client reads.
    expect(target([4.4999996])).toBe(5);
    expect(target([0.04])).toBe(1);
  });

  it('refuses an empty list, a negative or missing duration and a URI that would break the text', () => {
    const build = (segs: Array<{ uri: string; duration: number }>) => () =>
      buildMediaPlaylist({
        initUri: 'init.mp4',
        segments: segs,
        mediaSequence: 1,
        independentSegments: false,
      });
    expect(build([])).toThrow(/at least one segment/);
    expect(build([{ uri: 'a.m4s', duration: -1 }])).toThrow(/duration/);
    expect(build([{ uri: 'a.m4s', duration: NaN }])).toThrow(/duration/);
    expect(build([{ uri: 'a.m4s\n#EXT-X-ENDLIST', duration: 1 }])).toThrow(/uri/);
  });
});
