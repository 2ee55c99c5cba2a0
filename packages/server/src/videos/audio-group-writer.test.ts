import { describe, expect, it } from 'vitest';
import { audioGroupPeak, uniqueLabel, withoutTrack } from './audio-group-writer.js';
import type { StoredAudioTrack } from './video-audio-tracks.js';

const track = (id: string, extra: Partial<StoredAudioTrack> = {}): StoredAudioTrack => ({
  id,
  language: 'en',
  label: id,
  channels: 2,
  default: false,
  source: 'upload',
  ...extra,
});

describe('audioGroupPeak', () => {
  it('counts only the tracks in the master: ready ones, and source tracks without a status', () => {
    const tracks = [
      track('a0', { source: 'source', bandwidth: 140_000, averageBandwidth: 128_000 }),
      track('d1', { status: 'ready', bandwidth: 150_000, averageBandwidth: 127_000 }),
      track('d2', { status: 'processing' }),
      track('d3', { status: 'failed', bandwidth: 900_000, averageBandwidth: 900_000 }),
    ];
    expect(audioGroupPeak(tracks)).toEqual({ bandwidth: 150_000, averageBandwidth: 128_000 });
  });

  it('is zero for a silent video', () => {
    expect(audioGroupPeak([])).toEqual({ bandwidth: 0, averageBandwidth: 0 });
  });
});

describe('withoutTrack', () => {
  it('hands the default to the first remaining ready track', () => {
    const tracks = [
      track('d1', { status: 'ready', default: true }),
      track('d2', { status: 'processing' }),
      track('d3', { status: 'ready' }),
    ];
    expect(withoutTrack(tracks, 'd1').map((t) => [t.id, t.default])).toEqual([
      ['d2', false],
      ['d3', true],
    ]);
  });

  it('leaves the others alone when the removed track was not the default', () => {
    const tracks = [track('a0', { default: true, source: 'source' }), track('d1', { status: 'ready' })];
    expect(withoutTrack(tracks, 'd1')).toEqual([tracks[0]]);
  });
});

describe('uniqueLabel', () => {
  it('numbers a label the group already has (HLS NAMEs are distinct)', () => {
    const tracks = [track('a0', { label: 'French' }), track('d1', { label: 'French (2)' })];
    expect(uniqueLabel('French', tracks)).toBe('French (3)');
    expect(uniqueLabel('German', tracks)).toBe('German');
  });
});
