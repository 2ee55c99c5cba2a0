import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  QUEUES,
  TRANSCODE_JOBS,
  TRANSCODE_JOB_OPTIONS,
  TRANSCODE_STAGES,
  parseTranscodeFailure,
  transcodeCancelChannel,
  type TranscodeJobData,
  type TranscodeProgress,
  type TranscodeResult,
} from '@reelkit/protocol';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, runFfmpeg } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { TRANSCODE_TEST_TIMEOUT_MS, waitForJob } from '../../../../test/support/wait-for-transcode.js';
import {
  distinctSpriteTiles,
  ffmpegRunningFor,
  ffprobeJson,
  hlsPacketCount,
  keyframeTimes,
  playlistSegments,
  putSource,
  scratchJobFolders,
  topLevelBoxes,
} from './transcode-helpers.js';

const SEGMENT_S = 2;

describe('the transcode job', { timeout: TRANSCODE_TEST_TIMEOUT_MS }, () => {
  const env = stackEnv();
  // A prefix of its own, so no other test's worker can take these jobs.
  const prefix = `${env.REDIS_PREFIX}-tc`;
  // A storage folder of its own too, so other files' workers never share its work folder.
  const storage = join(env.STORAGE_DIR, 'tc');
  const scratch = join(env.STORAGE_DIR, 'tc-scratch');
  let worker: Proc;
  let connection: Redis;
  let queue: Queue;
  let events: QueueEvents;
  const progress = new Map<string, TranscodeProgress[]>();

  beforeAll(async () => {
    worker = startTs('packages/transcoder/src/main.ts', {
      ...env,
      REDIS_PREFIX: prefix,
      STORAGE_DIR: storage,
      SCRATCH_DIR: scratch,
      WORKER_CONCURRENCY: '1',
      X264_PRESET: 'ultrafast',
      HLS_SEGMENT_S: String(SEGMENT_S),
    });
    connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUES.transcode, { connection, prefix });
    events = new QueueEvents(QUEUES.transcode, { connection: connection.duplicate(), prefix });
    events.on('progress', ({ jobId, data }) => {
      progress.set(jobId, [...(progress.get(jobId) ?? []), data as TranscodeProgress]);
    });
    await Promise.all([worker.waitFor(/worker ready/), events.waitUntilReady()]);
  });

  afterAll(async () => {
    await worker?.stop();
    await events?.close();
    await queue?.close();
    connection?.disconnect();
  });

  async function transcode(videoId: string, source: string | Buffer, originalName?: string) {
    const data: TranscodeJobData = {
      orgId: 'org-t',
      videoId,
      sourceKey: await putSource(storage, 'org-t', videoId, source),
      ...(originalName ? { originalName } : {}),
    };
    return queue.add(TRANSCODE_JOBS.transcode, data, { ...TRANSCODE_JOB_OPTIONS, jobId: videoId });
  }

  const videoDir = (videoId: string) => join(storage, 'org-t', videoId);

  /** Checks every playlist of a result against the files and the source duration. */
  async function expectPlayable(result: TranscodeResult) {
    const master = await readFile(join(storage, result.masterKey), 'utf8');
    const variants = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(variants).toHaveLength(result.renditions.length);
    for (const r of result.renditions) {
      expect(master).toContain(
        `BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.averageBandwidth},RESOLUTION=${r.width}x${r.height},CODECS="${r.codecs}"`,
      );
      expect(master).toContain(`\n${r.rung}p/index.m3u8\n`);
      const text = await readFile(join(storage, r.playlistKey), 'utf8');
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(text).toContain('#EXT-X-MAP:URI="init.mp4"');
      expect(text).toContain('#EXT-X-ENDLIST');
      const segments = playlistSegments(text);
      expect(segments.length).toBeGreaterThanOrEqual(2);
      segments.forEach((s, i) => expect(s.uri).toBe(`seg_${String(i + 1).padStart(5, '0')}.m4s`));
      // The worker writes the playlist from the segments (ffmpeg keeps a short rolling list): it
      // lists every segment published, and their EXTINFs add up to the source within one frame.
      const total = segments.reduce((a, s) => a + s.duration, 0);
      expect(Math.abs(total - result.metadata.duration)).toBeLessThan(1 / r.frameRate);
      const dir = join(storage, r.playlistKey, '..');
      for (const s of segments) expect((await stat(join(dir, s.uri))).size).toBeGreaterThan(0);
      expect(segments.map((s) => s.uri)).toEqual(
        (await readdir(dir)).filter((f) => f.endsWith('.m4s')).sort(),
      );
      // ffprobe's HLS demuxer reads it end to end: a packet per frame of that duration.
      expect(
        Math.abs((await hlsPacketCount(join(storage, r.playlistKey))) - total * r.frameRate),
      ).toBeLessThan(1);
      expect(r.averageBandwidth).toBeGreaterThan(0);
      expect(r.bandwidth).toBeGreaterThanOrEqual(r.averageBandwidth);
    }
    for (const t of result.audioTracks ?? []) {
      const text = await readFile(join(storage, t.playlistKey), 'utf8');
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(text).toContain('#EXT-X-ENDLIST');
      const segments = playlistSegments(text);
      const dir = join(storage, t.playlistKey, '..');
      expect(segments.map((s) => s.uri)).toEqual(
        (await readdir(dir)).filter((f) => f.endsWith('.m4s')).sort(),
      );
      // Whole AAC frames of 1024 samples at 48 kHz, every one of them read through the playlist
      // (the EXTINFs' six decimals lose under a microsecond each).
      const total = segments.reduce((a, s) => a + s.duration, 0);
      const frames = await hlsPacketCount(join(storage, t.playlistKey));
      expect(Math.abs(frames * (1024 / 48000) - total)).toBeLessThan(1e-6 * segments.length);
      // The priming (1024 samples) and the last frame's padding aside, the source's length.
      expect(Math.abs(total - result.metadata.duration)).toBeLessThan(0.1);
    }
  }

  it('a 720p source yields 720/480/360/240 and nothing above, with every output in place', async () => {
    const clip = await makeClip({ width: 1280, height: 720, seconds: 8, fps: 25 });
    const job = await transcode('vid-720', clip, 'holiday.mp4');
    const result = await waitForJob<TranscodeResult>(job, events);

    expect(result.renditions.map((r) => [r.rung, r.width, r.height])).toEqual([
      [720, 1280, 720],
      [480, 854, 480],
      [360, 640, 360],
      [240, 426, 240],
    ]);
    for (const r of result.renditions) expect(r.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
    expect(result.masterKey).toBe('org-t/vid-720/hls/master.m3u8');
    expect(await readdir(join(videoDir('vid-720'), 'hls'))).toEqual([
      '240p',
      '360p',
      '480p',
      '720p',
      'audio',
      'master.m3u8',
    ]);
    await expectPlayable(result);

    // Video-only rungs; the one audio stream is the group's only (default) rendition.
    expect(result.audioTracks).toEqual([
      expect.objectContaining({ id: 'a0', language: null, label: 'Track 1', channels: 2, default: true }),
    ]);
    const audioKey = result.audioTracks![0]!.playlistKey;
    expect(audioKey).toBe('org-t/vid-720/hls/audio/a0/index.m3u8');
    const audioSegments = playlistSegments(await readFile(join(storage, audioKey), 'utf8'));
    const audioDir = join(storage, audioKey, '..');
    const audioFile = Buffer.concat([
      await readFile(join(audioDir, 'init.mp4')),
      ...(await Promise.all(audioSegments.map((s) => readFile(join(audioDir, s.uri))))),
    ]);
    const audioProbe = join(tmpdir(), `reelkit-audio-${process.pid}.mp4`);
    await writeFile(audioProbe, audioFile);
    const audioStreams = (await ffprobeJson(['-show_streams', audioProbe])) as {
      streams: Array<{ codec_type: string; channels: number }>;
    };
    await rm(audioProbe);
    expect(audioStreams.streams.map((s) => [s.codec_type, s.channels])).toEqual([['audio', 2]]);
    const top = join(storage, result.renditions[0]!.playlistKey, '..', 'init.mp4');
    const topStreams = (await ffprobeJson(['-show_streams', top])) as {
      streams: Array<{ codec_type: string }>;
    };
    expect(topStreams.streams.map((s) => s.codec_type)).toEqual(['video']);
    const master = await readFile(join(storage, result.masterKey), 'utf8');
    expect(master).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Track 1",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/a0/index.m3u8"',
    );
    for (const line of master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF')))
      expect(line).toMatch(/,AUDIO="audio"$/);

    // Progressive MP4: faststart (moov before mdat), H.264 + AAC, the whole duration.
    expect(result.mp4Key).toBe('org-t/vid-720/mp4/480p.mp4');
    const mp4 = join(storage, result.mp4Key);
    const boxes = (await topLevelBoxes(mp4)).map((b) => b.type);
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    // One index for the whole file, not fragments (the ladder writes fragments; the remux joins them).
    expect(boxes).not.toContain('moof');
    const probed = (await ffprobeJson(['-show_streams', '-show_format', mp4])) as {
      streams: Array<{ codec_name: string; width?: number; height?: number; start_time: string }>;
      format: { duration: string };
    };
    expect(probed.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    // Both start at 0: the AAC priming stays before 0 (an edit list) through the remux.
    expect(probed.streams.map((s) => Number(s.start_time))).toEqual([0, 0]);
    expect([probed.streams[0]!.width, probed.streams[0]!.height]).toEqual([854, 480]);
    expect(Math.abs(Number(probed.format.duration) - 8)).toBeLessThan(0.5);

    // Poster and storyboard.
    const poster = (await ffprobeJson(['-show_streams', join(storage, result.posterKey)])) as {
      streams: Array<{ width: number; height: number }>;
    };
    expect([poster.streams[0]!.width, poster.streams[0]!.height]).toEqual([1280, 720]);
    expect(result.storyboard).toMatchObject({
      interval: 1,
      columns: 8,
      rows: 1,
      tileWidth: 160,
      tileHeight: 90,
    });
    const sprite = (await ffprobeJson(['-show_streams', join(storage, result.storyboard!.imageKey)])) as {
      streams: Array<{ width: number; height: number }>;
    };
    expect([sprite.streams[0]!.width, sprite.streams[0]!.height]).toEqual([1280, 90]);
    // Eight moments of the moving test picture, not its first frame eight times.
    expect(await distinctSpriteTiles(join(storage, result.storyboard!.imageKey), result.storyboard!, 8)).toBe(
      8,
    );
    const vtt = await readFile(join(storage, result.storyboard!.vttKey), 'utf8');
    expect(vtt.startsWith('WEBVTT\n')).toBe(true);
    expect(vtt).toContain('00:00:07.000 --> 00:00:08.000\nstoryboard.jpg#xywh=1120,0,160,90');

    expect(result.sensitivity).toEqual({ score: 100, label: 'safe', reasons: [] });
    expect(result.metadata).toMatchObject({ width: 1280, height: 720, hasAudio: true });
    expect(result.durations.total).toBeGreaterThan(0);

    // Progress went through the stages in order, percent within 0..100.
    const seen = progress.get('vid-720') ?? [];
    expect(seen.length).toBeGreaterThan(0);
    const order = seen.map((p) => TRANSCODE_STAGES.indexOf(p.stage));
    expect(order.every((o) => o >= 0)).toBe(true);
    expect([...order].sort()).toEqual(order);
    expect(seen.every((p) => p.percent >= 0 && p.percent <= 100)).toBe(true);

    // Nothing left in the scratch folder.
    expect(await scratchJobFolders(scratch)).toEqual([]);
  });

  it('aligns keyframes across rungs, one at the start of every segment', async () => {
    const top = await keyframeTimes(join(videoDir('vid-720'), 'hls', '720p'));
    const bottom = await keyframeTimes(join(videoDir('vid-720'), 'hls', '240p'));
    expect(top).toEqual(bottom);
    // Times are relative to the first frame (the muxer offsets the track by the encoder delay).
    const relative = top.map((k) => Math.round((k - top[0]!) * 1000) / 1000);
    expect(relative).toEqual([0, 2, 4, 6]);
    const segments = playlistSegments(
      await readFile(join(videoDir('vid-720'), 'hls', '480p', 'index.m3u8'), 'utf8'),
    );
    let t = 0;
    for (const s of segments) {
      expect(relative.some((k) => Math.abs(k - t) < 0.05)).toBe(true);
      t += s.duration;
    }
  });

  it('ladders a portrait 720×1280 source by its short side', async () => {
    const clip = await makeClip({ width: 720, height: 1280, seconds: 4, fps: 25 });
    const job = await transcode('vid-portrait', clip);
    const result = await waitForJob<TranscodeResult>(job, events);
    expect(result.renditions.map((r) => [r.rung, r.width, r.height])).toEqual([
      [720, 720, 1280],
      [480, 480, 854],
      [360, 360, 640],
      [240, 240, 426],
    ]);
    await expectPlayable(result);
    expect(await readFile(join(storage, result.masterKey), 'utf8')).toContain('RESOLUTION=720x1280');
  });

  it('transcodes a source without audio into video-only outputs', async () => {
    const clip = await makeClip({ width: 640, height: 360, seconds: 4, fps: 25, audio: false });
    const job = await transcode('vid-silent', clip, 'silent.mp4');
    const result = await waitForJob<TranscodeResult>(job, events);
    expect(result.renditions.map((r) => r.rung)).toEqual([360, 240]);
    for (const r of result.renditions) expect(r.codecs).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(result.audioTracks).toEqual([]);
    expect(await readFile(join(storage, result.masterKey), 'utf8')).not.toContain('AUDIO');
    expect(await readFile(join(storage, result.masterKey), 'utf8')).not.toContain('mp4a');
    await expectPlayable(result);
    const mp4 = (await ffprobeJson(['-show_streams', join(storage, result.mp4Key)])) as {
      streams: Array<{ codec_type: string }>;
    };
    expect(mp4.streams.map((s) => s.codec_type)).toEqual(['video']);
    expect(result.sensitivity.reasons.map((r) => r.code)).toEqual(['missing_stream']);
    expect(result.sensitivity).toMatchObject({ score: 85, label: 'safe' });
  });

  it('a re-transcode rewrites the source’s captions under the same ids and keeps uploaded ones', async () => {
    const dir = join(tmpdir(), `reelkit-tc-subs-${process.pid}`);
    await mkdir(dir, { recursive: true });
    const srt = join(dir, 'en.srt');
    const mkv = join(dir, 'subtitled.mkv');
    await writeFile(srt, '1\n00:00:01,000 --> 00:00:02,000\n<i>Hi</i> <script>x()</script>\n');
    await runFfmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-i', srt],
      ...['-map', '0:v', '-map', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
      ...['-c:s', 'srt', '-metadata:s:s:0', 'language=eng', mkv],
    ]);
    try {
      const first = await waitForJob<TranscodeResult>(await transcode('vid-subs', mkv), events);
      expect(first.captions).toEqual([
        expect.objectContaining({
          streamIndex: 1,
          codec: 'subrip',
          language: 'en',
          label: 'English',
          endMs: 2000,
        }),
      ]);
      const sourceVtt = join(storage, first.captions![0]!.key);
      expect(await readFile(sourceVtt, 'utf8')).toMatch(
        /^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:01.000 --> 00:00:02.000\n<i>Hi<\/i> x\(\)\n$/,
      );
      // (ffmpeg's SubRip decoder drops the unknown <script> tags and keeps their text.)
      // A caption uploaded through the API meanwhile lives beside it.
      const uploaded = join(videoDir('vid-subs'), 'hls', 'subs', '65a0c0ffee0000000000abcd.vtt');
      await writeFile(uploaded, 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nUploaded\n');
      await writeFile(sourceVtt, 'stale');
      await (await queue.getJob('vid-subs'))!.remove();
      const again = await waitForJob<TranscodeResult>(await transcode('vid-subs', mkv), events);
      expect(again.captions!.map((c) => c.id)).toEqual(first.captions!.map((c) => c.id));
      expect(await readFile(uploaded, 'utf8')).toContain('Uploaded');
      expect(await readFile(sourceVtt, 'utf8')).toMatch(/^WEBVTT\n/);
      expect((await readdir(join(videoDir('vid-subs'), 'hls', 'subs'))).sort()).toEqual(
        [`${first.captions![0]!.id}.vtt`, '65a0c0ffee0000000000abcd.vtt'].sort(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  async function expectFailedOnce(videoId: string, code: string) {
    const job = await queue.getJob(videoId);
    await expect(waitForJob(job!, events)).rejects.toThrow(new RegExp(`^${code}: `));
    const after = await queue.getJob(videoId);
    expect(await after!.getState()).toBe('failed');
    expect(after!.attemptsMade).toBe(1);
    expect(parseTranscodeFailure(after!.failedReason).code).toBe(code);
    // Nothing was written for the video but its source.
    expect(await readdir(videoDir(videoId))).toEqual(['source']);
    return parseTranscodeFailure(after!.failedReason);
  }

  it('fails a corrupt file once, without retries, with source_unreadable', async () => {
    const clip = await readFile(
      await makeClip({ width: 640, height: 360, seconds: 4, fps: 25, audio: false }),
    );
    // The first kilobyte of a real MP4 followed by garbage: ffprobe finds no usable moov.
    const corrupt = Buffer.concat([clip.subarray(0, 1024), Buffer.alloc(64 * 1024, 0x5a)]);
    await transcode('vid-corrupt', corrupt);
    await expectFailedOnce('vid-corrupt', 'source_unreadable');
  });

  it('fails a truncated MP4 once, with a sentence that names no path or address', async () => {
    // ffmpeg writes moov at the end unless told otherwise: half the file is an upload cut short.
    const clip = await readFile(await makeClip({ width: 640, height: 360, seconds: 4, fps: 25 }));
    await transcode('vid-truncated', clip.subarray(0, Math.floor(clip.length / 2)));
    const failure = await expectFailedOnce('vid-truncated', 'source_unreadable');
    expect(failure.message).toBe('The file is incomplete or damaged (moov atom not found).');
    const job = await queue.getJob('vid-truncated');
    expect(job!.failedReason).not.toMatch(/\/|0x[0-9a-f]|org-t/);
  });

  it("refuses a source key outside the video's own folder", async () => {
    const clip = await makeClip({ width: 640, height: 360, seconds: 4, fps: 25, audio: false });
    await putSource(storage, 'org-other', 'vid-theirs', clip);
    await mkdir(videoDir('vid-foreign'), { recursive: true });
    await writeFile(join(videoDir('vid-foreign'), 'source'), 'mine');
    const data: TranscodeJobData = {
      orgId: 'org-t',
      videoId: 'vid-foreign',
      sourceKey: 'org-other/vid-theirs/source',
    };
    await queue.add(TRANSCODE_JOBS.transcode, data, { ...TRANSCODE_JOB_OPTIONS, jobId: 'vid-foreign' });
    const failure = await expectFailedOnce('vid-foreign', 'source_unreadable');
    expect(failure.message).toMatch(/not inside the video folder/);
  });

  it('fails a file with neither video nor audio (subtitles only) with source_no_video', async () => {
    const dir = join(storage, 'clips');
    await mkdir(dir, { recursive: true });
    const srt = join(dir, 'only.srt');
    await writeFile(srt, '1\n00:00:00,000 --> 00:00:02,000\nNothing to see or hear\n');
    const subsOnly = join(dir, 'subtitles-only.mp4');
    await runFfmpeg(['-i', srt, '-c:s', 'mov_text', subsOnly]);
    await transcode('vid-subs-only', subsOnly);
    const failure = await expectFailedOnce('vid-subs-only', 'source_no_video');
    expect(failure.message).toBe('The file has nothing playable in it (no video, no audio).');
  });

  it('cancels a running job when its video id is published on the cancel channel', async () => {
    // Long enough that the job is still running when the message arrives; it is cut short anyway.
    const clip = await makeClip({ width: 1280, height: 720, seconds: 20, fps: 25 });
    const job = await transcode('vid-cancel', clip);
    await new Promise<void>((resolve) => {
      const check = () => {
        if ((progress.get('vid-cancel') ?? []).some((p) => p.stage === 'transcode')) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(check, 20);
    });
    const publisher = connection.duplicate();
    expect(await publisher.publish(transcodeCancelChannel(prefix), 'vid-cancel')).toBeGreaterThan(0);
    publisher.disconnect();
    await expectFailedOnce(job.id!, 'cancelled');
    expect(await scratchJobFolders(scratch)).toEqual([]);
    expect(await ffmpegRunningFor('vid-cancel')).toEqual([]);
  });

  it('rejects an HLS playlist disguised as .mp4 without reading what it points at', async () => {
    // A real media segment the playlist points at, and /etc/passwd. relatime updates atime on the
    // first read after a write, so a read of the segment would show.
    const dir = join(storage, 'bait');
    await mkdir(dir, { recursive: true });
    const segment = join(dir, 'bait.ts');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=10:duration=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      segment,
    ]);
    const playlist = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:10',
      '#EXTINF:1,',
      segment,
      '#EXTINF:1,',
      '/etc/passwd',
      '#EXT-X-ENDLIST',
      '',
    ].join('\n');
    const atime = async () => (await stat(segment)).atimeMs;
    // Control: ffprobe without our allow-list follows the playlist into the segment (on a copy
    // pointing at the segment only, since /etc/passwd has an extension hls refuses).
    await utimes(segment, new Date(0), new Date());
    const before = await atime();
    const control = join(dir, 'control.mp4');
    await writeFile(control, playlist.replace('#EXTINF:1,\n/etc/passwd\n', ''));
    const probed = (await ffprobeJson(['-protocol_whitelist', 'file', '-show_format', control])) as {
      format: { format_name: string };
    };
    expect(probed.format.format_name).toBe('hls');
    expect(await atime()).toBeGreaterThan(before);

    await utimes(segment, new Date(0), new Date());
    const passwdBefore = (await stat('/etc/passwd')).atimeMs;
    await transcode('vid-disguised', Buffer.from(playlist.replace('#EXTINF:1,\n/etc/passwd\n', '')));
    const failure = await expectFailedOnce('vid-disguised', 'source_format_rejected');
    // ffmpeg's words ("Format not on whitelist", with the path) go to the log, not to users.
    expect(failure.message).toBe(
      'The file is not in a format we accept (MP4/MOV, MKV/WebM, MPEG-TS, MPEG-PS or AVI; audio: M4A, MP3, WAV, FLAC or Ogg).',
    );
    expect(await atime()).toBe(0);
    // The same with /etc/passwd in the list (hls itself would refuse its extension; we refuse first).
    await transcode('vid-passwd', Buffer.from(playlist));
    await expectFailedOnce('vid-passwd', 'source_format_rejected');
    expect((await stat('/etc/passwd')).atimeMs).toBe(passwdBefore);
  });
});
