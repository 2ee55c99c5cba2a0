import { describe, expect, it } from 'vitest';
import { isDubResult } from './dub-results.js';

describe('isDubResult', () => {
  it('tells a dub job’s rendition from a transcode result and from junk', () => {
    const dub = {
      id: '0123456789abcdef01234567',
      language: 'fr',
      label: 'French',
      channels: 2,
      default: false,
      source: 'upload',
      bandwidth: 140_000,
      averageBandwidth: 131_000,
      codecs: 'mp4a.40.2',
      playlistKey: 'o/v/hls/audio/0123456789abcdef01234567/index.m3u8',
    };
    expect(isDubResult(dub)).toBe(true);
    expect(isDubResult({ renditions: [], masterKey: 'o/v/hls/master.m3u8' })).toBe(false);
    expect(isDubResult(null)).toBe(false);
    expect(isDubResult('dub')).toBe(false);
  });
});
