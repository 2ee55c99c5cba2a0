import { describe, expect, it } from 'vitest';
import { videoSnapshotOf } from './video-snapshot.js';

const base = {
  _id: 'a'.repeat(24),
  progress: { stage: 'transcode', percent: 40 },
  renditions: [],
  posterKey: undefined,
  metadata: undefined,
  error: undefined,
};

describe('videoSnapshotOf', () => {
  it('reports progress of a video still processing, without result or error', () => {
    expect(videoSnapshotOf({ ...base, status: 'processing' })).toEqual({
      videoId: 'a'.repeat(24),
      status: 'processing',
      progress: { stage: 'transcode', percent: 40 },
      result: null,
      error: null,
    });
  });

  it('gives a ready video its duration, public renditions (no storage keys) and poster flag', () => {
    const snap = videoSnapshotOf({
      ...base,
      status: 'ready',
      posterKey: 'org/vid/poster.jpg',
      metadata: { duration: 12.5 } as never,
      renditions: [
        {
          rung: 720,
          width: 1280,
          height: 720,
          bandwidth: 3e6,
          averageBandwidth: 2e6,
          codecs: 'avc1.64001f',
          frameRate: 25,
          playlistKey: 'org/vid/hls/720p/index.m3u8',
        },
      ],
    });
    expect(snap.result).toEqual({
      duration: 12.5,
      renditions: [{ rung: 720, width: 1280, height: 720, bandwidth: 3e6, codecs: 'avc1.64001f' }],
      poster: true,
    });
    expect(JSON.stringify(snap)).not.toContain('playlistKey');
  });

  it('gives a failed video its error code and message', () => {
    const snap = videoSnapshotOf({
      ...base,
      status: 'failed',
      error: { code: 'source_unreadable', message: 'x' },
    });
    expect(snap.error).toEqual({ code: 'source_unreadable', message: 'x' });
    expect(snap.result).toBeNull();
  });
});
