import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eachLimited, planPublish, spareFolder, splitBySize } from './publish-outputs.js';

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

describe('eachLimited', () => {
  it('runs at most `limit` tasks at once and every item once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('after a failure starts nothing new and rejects only once the running tasks settled', async () => {
    const started: number[] = [];
    let running = 0;
    const failing = eachLimited([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      running++;
      try {
        if (n === 1) throw new Error('store refused 1');
        // Still writing when 1 fails: the clean-up must not start before this ends.
        await new Promise((resolve) => setTimeout(resolve, 30));
      } finally {
        running--;
      }
    });
    await expect(failing).rejects.toThrow('store refused 1');
    expect(running).toBe(0);
    expect(started).toEqual([1, 2]);
  });
});

describe('splitBySize', () => {
  it('sends files of a multipart size or more to their own queue, keeping the order', () => {
    const sizes = new Map([
      ['hls/360p/seg_00001.m4s', 300_000],
      ['mp4/720p.mp4', 9_000_000],
      ['poster.jpg', 40_000],
      ['mp4/360p.mp4', 8_388_608],
    ]);
    expect(splitBySize([...sizes.keys()], sizes, 8 * 1024 * 1024)).toEqual({
      small: ['hls/360p/seg_00001.m4s', 'poster.jpg'],
      large: ['mp4/720p.mp4', 'mp4/360p.mp4'],
    });
  });
});
