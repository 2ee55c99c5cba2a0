import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../test/support/clips.js';
import { ProbeError, buildFfprobeArgs, probeFile } from './probe.js';

describe('probeFile (ffprobe spawned directly)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelkit-probe-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes the file after -i, behind the safe input options', () => {
    const args = buildFfprobeArgs('-weird name.mp4');
    expect(args.slice(-2)).toEqual(['-i', '-weird name.mp4']);
    expect(args).toEqual(expect.arrayContaining(['-print_format', 'json', '-protocol_whitelist', 'file']));
  });

  it('reads a clip made with ffmpeg into the metadata the transcoder plans from', async () => {
    const clip = await makeClip({ width: 320, height: 240, seconds: 2, fps: 25 });
    const meta = await probeFile(clip, { ffprobePath: 'ffprobe' });
    expect(meta).toMatchObject({ width: 320, height: 240, fps: 25, hasAudio: true });
    expect(meta.duration).toBeCloseTo(2, 0);
  });

  it('rejects an HLS playlist named .mp4 as a format that is not on the allow-list', async () => {
    const fake = join(dir, 'playlist.mp4');
    await writeFile(
      fake,
      '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n',
    );
    const err = await probeFile(fake, { ffprobePath: 'ffprobe' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect(err).toMatchObject({ formatRejected: true, message: expect.stringMatching(/not on whitelist/i) });
  });

  it('rejects bytes that are no media, naming what ffprobe said', async () => {
    const junk = join(dir, 'junk.mp4');
    await writeFile(junk, Buffer.alloc(4096, 7));
    const err = await probeFile(junk, { ffprobePath: 'ffprobe' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect(err).toMatchObject({ formatRejected: false, message: expect.stringMatching(/\S/) });
  });

  it('rejects with ProbeError when the ffprobe binary is missing', async () => {
    const clip = await makeClip({ width: 320, height: 240, seconds: 2, fps: 25 });
    await expect(probeFile(clip, { ffprobePath: join(dir, 'no-ffprobe') })).rejects.toBeInstanceOf(
      ProbeError,
    );
  });

  it('an aborted probe rejects with the abort reason', async () => {
    const clip = await makeClip({ width: 320, height: 240, seconds: 2, fps: 25 });
    const reason = new Error('job cancelled');
    await expect(probeFile(clip, { ffprobePath: 'ffprobe', signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
  });
});
