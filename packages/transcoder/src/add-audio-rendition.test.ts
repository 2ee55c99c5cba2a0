import { describe, expect, it } from 'vitest';
import {
  addAudioRendition,
  checkDubLength,
  hasAudioRendition,
  removeAudioRendition,
} from './add-audio-rendition.js';
import { buildMasterPlaylist } from './hls-playlists.js';

const variant = {
  uri: '360p/index.m3u8',
  bandwidth: 1_000_000,
  averageBandwidth: 900_000,
  width: 640,
  height: 360,
  codecs: 'avc1.64001e,mp4a.40.2',
  frameRate: 25,
};
const english = { uri: 'audio/a0/index.m3u8', name: 'English', language: 'en', default: true, channels: 2 };
const dub = {
  uri: 'audio/d1/index.m3u8',
  name: 'Deutsch',
  language: 'de',
  default: false,
  channels: 2,
  bandwidth: 140_000,
  averageBandwidth: 131_000,
  codecs: 'mp4a.40.2',
};

describe('addAudioRendition', () => {
  it('adds the dub after the group’s renditions and grows the variants by what it adds over the peak', () => {
    const master = buildMasterPlaylist([variant], [english]);
    const text = addAudioRendition(master, dub, { bandwidth: 135_000, averageBandwidth: 132_000 });
    const lines = text.split('\n');
    const media = lines.filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO'));
    expect(media).toHaveLength(2);
    expect(media[1]).toBe(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="de",NAME="Deutsch",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/d1/index.m3u8"',
    );
    expect(lines.indexOf(media[1]!)).toBe(lines.indexOf(media[0]!) + 1);
    const inf = lines.find((l) => l.startsWith('#EXT-X-STREAM-INF:'))!;
    expect(inf).toContain('BANDWIDTH=1005000,');
    expect(inf).toContain('AVERAGE-BANDWIDTH=900000,');
    expect(inf).toContain('CODECS="avc1.64001e,mp4a.40.2"');
    expect(inf).toContain('AUDIO="audio"');
  });

  it('makes a silent video’s dub the default of a new group that every variant names', () => {
    const silent = { ...variant, codecs: 'avc1.64001e' };
    const master = buildMasterPlaylist([silent, { ...silent, uri: '240p/index.m3u8', bandwidth: 500_000 }]);
    const text = addAudioRendition(master, dub, { bandwidth: 0, averageBandwidth: 0 });
    const lines = text.split('\n');
    const media = lines.findIndex((l) => l.startsWith('#EXT-X-MEDIA:'));
    expect(lines[media]).toContain('DEFAULT=YES');
    expect(media).toBeLessThan(lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:')));
    const infs = lines.filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(infs).toHaveLength(2);
    for (const inf of infs) {
      expect(inf).toContain('CODECS="avc1.64001e,mp4a.40.2"');
      expect(inf).toMatch(/,AUDIO="audio"$/);
    }
    expect(infs[0]).toContain('BANDWIDTH=1140000,AVERAGE-BANDWIDTH=1031000,');
  });

  it('refuses text that is not a master playlist', () => {
    expect(() =>
      addAudioRendition('#EXTM3U\n#EXTINF:2,\nseg.m4s\n', dub, { bandwidth: 0, averageBandwidth: 0 }),
    ).toThrow();
  });
});

describe('removeAudioRendition', () => {
  const peakWith = { bandwidth: 140_000, averageBandwidth: 132_000 };
  const peakWithout = { bandwidth: 135_000, averageBandwidth: 132_000 };

  it('takes back exactly what adding the dub did', () => {
    const master = buildMasterPlaylist([variant], [english]);
    const added = addAudioRendition(master, dub, peakWithout);
    expect(hasAudioRendition(added, dub.uri)).toBe(true);
    const removed = removeAudioRendition(added, dub.uri, peakWith, peakWithout);
    expect(removed).toBe(master);
    expect(hasAudioRendition(removed, dub.uri)).toBe(false);
  });

  it('hands the default to the first remaining rendition', () => {
    const silent = { ...variant, codecs: 'avc1.64001e' };
    const first = addAudioRendition(buildMasterPlaylist([silent]), dub, {
      bandwidth: 0,
      averageBandwidth: 0,
    });
    const second = { ...dub, uri: 'audio/d2/index.m3u8', name: 'Français', language: 'fr' };
    const both = addAudioRendition(first, second, peakWith);
    const text = removeAudioRendition(both, dub.uri, peakWith, peakWith);
    const media = text.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:'));
    expect(media).toHaveLength(1);
    expect(media[0]).toContain('URI="audio/d2/index.m3u8"');
    expect(media[0]).toContain('DEFAULT=YES');
  });

  it('gives a video whose only track is removed its silent master back', () => {
    const silent = { ...variant, codecs: 'avc1.64001e' };
    const master = buildMasterPlaylist([silent]);
    const added = addAudioRendition(master, dub, { bandwidth: 0, averageBandwidth: 0 });
    const only = { bandwidth: dub.bandwidth, averageBandwidth: dub.averageBandwidth };
    expect(removeAudioRendition(added, dub.uri, only, { bandwidth: 0, averageBandwidth: 0 })).toBe(master);
  });

  it('leaves a master without that rendition as it is', () => {
    const master = buildMasterPlaylist([variant], [english]);
    expect(removeAudioRendition(master, dub.uri, peakWith, peakWithout)).toBe(master);
  });
});

describe('checkDubLength', () => {
  it.each([
    [60, 60, true],
    [60.9, 60, true],
    [58.7, 60, false],
    [10, 11.5, false],
    [3600 + 70, 3600, true],
    [3600 + 80, 3600, false],
    [0, 60, false],
  ])('a %s s dub of a %s s video fits: %s', (dub, video, fits) => {
    expect(checkDubLength(dub, video) === null).toBe(fits);
  });
});
