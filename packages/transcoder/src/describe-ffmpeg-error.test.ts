import { describe, expect, it } from 'vitest';
import { cleanFfmpegLine, describeFfmpegError } from './describe-ffmpeg-error.js';

describe('describeFfmpegError', () => {
  it('reads a missing moov atom as a damaged file, without the path or the address', () => {
    const stderr =
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d5c3a1b2c0] moov atom not found\n' +
      '/srv/reelkit/storage/64f0c0ffee/65a1b2c3d4/source: Invalid data found when processing input\n';
    expect(describeFfmpegError(stderr)).toEqual({ code: 'source_unreadable', detail: 'moov atom not found' });
  });

  it('reads a full volume as storage_full, with no words of ffmpeg (they name the scratch path)', () => {
    expect(
      describeFfmpegError(
        'Error writing trailer of /srv/x/.tmp/vid-1-ab/hls/720p/index.m3u8: No space left on device\n',
      ),
    ).toEqual({ code: 'storage_full', detail: '' });
    expect(describeFfmpegError('av_interleaved_write_frame(): Disk quota exceeded').code).toBe(
      'storage_full',
    );
  });

  it('keeps a few clean words of anything else, as a retryable failure', () => {
    const out = describeFfmpegError(
      '[libx264 @ 0x5581] frame MB size too large\nError writing trailer of /srv/x/.tmp/vid-1-ab/hls/720p/index.m3u8: Broken pipe\n',
    );
    expect(out.code).toBe('transcode_failed');
    expect(out.detail).toBe('Error writing trailer of Broken pipe');
    expect(out.detail).not.toMatch(/\/|0x/);
  });

  it('cleans paths, storage keys and addresses out of one line', () => {
    expect(cleanFfmpegLine('[h264 @ 0xdeadbeef] org-1/vid-2/source: error while decoding MB 3 4')).toBe(
      'error while decoding MB 3 4',
    );
    expect(cleanFfmpegLine("Could not open '/tmp/ab/c.mp4'")).toBe('Could not open');
  });
});
