import { describe, expect, it } from 'vitest';
import { chooseEngines, type PlaybackCapabilities } from './choose-engine.js';

const both = { hls: true, mp4: true };
const chromium: PlaybackCapabilities = { mse: true, nativeHls: 'maybe', mp4: 'maybe' };
const iphoneOld: PlaybackCapabilities = { mse: false, nativeHls: 'maybe', mp4: 'maybe' };
const noHls: PlaybackCapabilities = { mse: false, nativeHls: '', mp4: 'maybe' };

describe('chooseEngines', () => {
  it('uses hls.js where MSE exists, even when the browser claims native HLS (Chromium)', () => {
    expect(chooseEngines(chromium, both)).toEqual(['hls.js', 'mp4']);
  });

  it('uses native HLS only where MSE is absent', () => {
    expect(chooseEngines(iphoneOld, both)).toEqual(['native-hls', 'mp4']);
  });

  it('falls back to the progressive MP4 when hls.js turns out unsupported', () => {
    expect(chooseEngines({ ...chromium, hlsJsSupported: false }, both)).toEqual(['mp4']);
  });

  it('plays the MP4 where there is neither MSE nor native HLS', () => {
    expect(chooseEngines(noHls, both)).toEqual(['mp4']);
  });

  it('returns nothing playable when the sources do not fit the browser', () => {
    expect(chooseEngines(noHls, { hls: true, mp4: false })).toEqual([]);
    expect(chooseEngines({ ...chromium, mp4: '' }, { hls: false, mp4: true })).toEqual([]);
  });

  it('treats ManagedMediaSource like MSE (iOS 17.1+ Safari)', () => {
    expect(chooseEngines({ mse: true, nativeHls: 'probably', mp4: 'probably' }, both)[0]).toBe('hls.js');
  });
});
