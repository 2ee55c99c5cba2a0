import { describe, expect, it } from 'vitest';
import { toVideoMetadata, type FfprobeData } from './to-video-metadata.js';

const base: FfprobeData = {
  streams: [
    { codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, avg_frame_rate: '30000/1001' },
    { codec_type: 'audio', codec_name: 'aac' },
  ],
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.5', bit_rate: '2500000', size: '3906250' },
};

describe('toVideoMetadata', () => {
  it('reads duration, size, fps, codecs and bitrate', () => {
    expect(toVideoMetadata(base)).toEqual({
      duration: 12.5,
      width: 1280,
      height: 720,
      rotation: 0,
      fps: 29.97,
      videoCodec: 'h264',
      audioCodec: 'aac',
      hasVideo: true,
      hasAudio: true,
      bitrate: 2_500_000,
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      sizeBytes: 3_906_250,
    });
  });

  it.each([
    [{ side_data_list: [{ rotation: -90 }] }, 270],
    [{ side_data_list: [{ rotation: 90 }] }, 90],
    [{ tags: { rotate: '90' } }, 90],
    [{ tags: { rotate: '180' } }, 180],
  ])('applies rotation %j to the display size', (extra, rotation) => {
    const data: FfprobeData = { ...base, streams: [{ ...base.streams[0], ...extra }, base.streams[1]!] };
    const m = toVideoMetadata(data);
    expect(m.rotation).toBe(rotation);
    expect([m.width, m.height]).toEqual(rotation === 180 ? [1280, 720] : [720, 1280]);
  });

  it('does not count cover art as video, and notices missing audio', () => {
    const m = toVideoMetadata({
      streams: [
        {
          codec_type: 'video',
          codec_name: 'mjpeg',
          width: 600,
          height: 600,
          disposition: { attached_pic: 1 },
        },
      ],
      format: { format_name: 'mp3', duration: '3' },
    });
    expect(m.hasVideo).toBe(false);
    expect(m.hasAudio).toBe(false);
    expect(m.width).toBe(0);
  });
});
