import { describe, expect, it } from 'vitest';
import { planPublish } from './publish-outputs.js';

describe('planPublish', () => {
  it('publishes media first, then rung playlists, the master playlist last', () => {
    const batches = planPublish(
      [
        'hls/240p/index.m3u8',
        'hls/240p/init.mp4',
        'hls/240p/seg_00001.m4s',
        'hls/720p/index.m3u8',
        'hls/720p/seg_00001.m4s',
        'hls/master.m3u8',
        'mp4/480p.mp4',
        'poster.jpg',
        'storyboard.vtt',
      ],
      'hls/master.m3u8',
    );
    expect(batches).toEqual([
      [
        'hls/240p/init.mp4',
        'hls/240p/seg_00001.m4s',
        'hls/720p/seg_00001.m4s',
        'mp4/480p.mp4',
        'poster.jpg',
        'storyboard.vtt',
      ],
      ['hls/240p/index.m3u8', 'hls/720p/index.m3u8'],
      ['hls/master.m3u8'],
    ]);
  });

  it('leaves out empty batches', () => {
    expect(planPublish(['poster.jpg'], 'hls/master.m3u8')).toEqual([['poster.jpg']]);
  });
});
