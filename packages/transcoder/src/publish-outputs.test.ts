import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPublish, spareFolder } from './publish-outputs.js';

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

describe('spareFolder', () => {
  it('replaces the entry holding the spared folder by its children, and the folder by its files', async () => {
    const work = await mkdtemp(join(tmpdir(), 'reelkit-spare-'));
    try {
      for (const d of ['hls/360p', 'hls/audio/a0', 'hls/subs', 'mp4'])
        await mkdir(join(work, d), { recursive: true });
      for (const f of ['hls/master.m3u8', 'hls/subs/aa.vtt', 'hls/subs/bb.vtt', 'poster.jpg'])
        await writeFile(join(work, f), '');
      expect(await spareFolder(work, ['mp4', 'poster.jpg', 'hls'], 'hls/subs')).toEqual([
        'mp4',
        'poster.jpg',
        'hls/360p',
        'hls/audio',
        'hls/master.m3u8',
        'hls/subs/aa.vtt',
        'hls/subs/bb.vtt',
      ]);
      await rm(join(work, 'hls/subs'), { recursive: true });
      expect(await spareFolder(work, ['hls'], 'hls/subs')).toEqual([
        'hls/360p',
        'hls/audio',
        'hls/master.m3u8',
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
