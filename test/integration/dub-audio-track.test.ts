// Dubs end to end on S3 storage: the real API and a real worker (ffmpeg), a ready video with one
// audio stream. Two dubs posted at once (the worker runs both at once, so their results race for
// the master) both end up in the master playlist, each rewrite re-reading it under the video's
// lock; each rendition decodes with ffprobe over signed HLS and lasts as long as the video. A
// too-short dub, a silent file and a viewer are refused with nothing stored; removing a dub takes
// it out of the master and out of storage, and a source track stays.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { S3Storage } from '@reelkit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../packages/server/test/support/realtime-client.js';
import { startReceiver, type Receiver } from '../../packages/server/test/support/webhook-test-server.js';
import { addMember, call, uploadVideo, type Member } from '../support/api-client.js';
import { makeClip, runFfmpeg } from '../support/clips.js';
import { s3StackEnv, s3TestStorage } from '../support/stack-env.js';
import { startTranscodingStack, type TranscodingStack } from '../support/transcoding-stack.js';
import { TRANSCODE_BUDGET_MS, TRANSCODE_TEST_TIMEOUT_MS } from '../support/wait-for-transcode.js';

const run = promisify(execFile);
const VIDEO_S = 6;
const s3 = s3StackEnv('dub');
/** The receiver of `video.updated` webhooks is on 127.0.0.1. */
const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_BACKOFF_MS: '100' };

let stack: TranscodingStack;
let storage: S3Storage;
let viewer: Member;
let videoId: string;
let folder: string;
let receiver: Receiver;

/** An audio file of `seconds` (a sine at `hz`), made with ffmpeg in the test. */
async function makeDub(name: string, seconds: number, hz: number, ext = 'm4a'): Promise<string> {
  const out = join(tmpdir(), `reelkit-dub-${process.pid}-${name}.${ext}`);
  await runFfmpeg(['-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=44100:duration=${seconds}`, out]);
  return out;
}

async function postDub(
  file: string,
  fields: Record<string, string>,
  token = stack.admin.accessToken,
  id = videoId,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([new Uint8Array(await readFile(file))]), 'dub.m4a');
  return call(stack.api.url, 'POST', `/v1/videos/${id}/audio-tracks`, { token, body: form });
}

async function listTracks(): Promise<
  Array<{ id: string; status: string; language: string; label: string; source: string }>
> {
  const res = await call(stack.api.url, 'GET', `/v1/videos/${videoId}/audio-tracks`, {
    token: stack.admin.accessToken,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

async function waitForTracks(ids: string[]): Promise<void> {
  const until = Date.now() + TRANSCODE_BUDGET_MS;
  for (;;) {
    const items = await listTracks();
    const open = ids.filter((id) => items.find((t) => t.id === id)?.status === 'processing');
    if (open.length === 0) return;
    if (Date.now() > until) throw new Error(`dubs still processing: ${open.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function masterText(): Promise<{ url: string; text: string }> {
  const url = await stack.masterOf(videoId);
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { url, text: await res.text() };
}

const audioLines = (text: string) => text.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO'));

beforeAll(async () => {
  let clip: string;
  [stack, clip, receiver] = await Promise.all([
    startTranscodingStack('dub', {
      orgName: 'Dub Org',
      apiEnv: { ...s3, ...WEBHOOK_ENV },
      workerEnv: { ...s3, WORKER_CONCURRENCY: '2' },
    }),
    makeClip({ seconds: VIDEO_S }),
    startReceiver([200]),
  ]);
  storage = s3TestStorage(s3.S3_PREFIX!);
  // As main.ts does; the transcoding stack's API serves without the delivery worker.
  stack.api.reelkit.webhooks.startWorker();
  [videoId, viewer] = await Promise.all([
    stack.uploadReady(clip, 'To be dubbed'),
    addMember(stack.api.url, stack.admin.accessToken, 'viewer'),
  ]);
  folder = `${stack.admin.orgId}/${videoId}/`;
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await stack?.api.reelkit.webhooks.close();
  await receiver?.close();
  storage?.destroy();
  await stack?.stop();
});

describe('POST /v1/videos/:id/audio-tracks', () => {
  it('refuses a viewer with 403', async () => {
    const res = await postDub(await makeDub('viewer', VIDEO_S, 550), { language: 'it' }, viewer.accessToken);
    expect(res.status).toBe(403);
    expect((await listTracks()).map((t) => t.source)).toEqual(['source']);
  });

  it('refuses a dub much shorter than the video with 422 dub_length_mismatch and stores nothing', async () => {
    const res = await postDub(await makeDub('short', 2, 330), { language: 'es' });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe('dub_length_mismatch');
    expect(res.body.detail).toMatch(/2\.0 s .* 6\.0 s/);
    expect(await storage.list(`${folder}dubs/`)).toEqual([]);
    expect((await listTracks()).map((t) => t.source)).toEqual(['source']);
  });

  it('refuses a bad language with 400 validation_failed whose sentence names the field', async () => {
    const res = await postDub(await makeDub('badlang', VIDEO_S, 560), { language: 'not a language!' });
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.detail).toBe(
      'The form fields are not valid: language: must be a BCP 47 language tag such as `en` or `pt-BR`',
    );
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'language' })]);
    expect(await storage.list(`${folder}dubs/`)).toEqual([]);
  });

  it('refuses a file without audio with 422 dub_no_audio', async () => {
    const silent = await makeClip({ seconds: VIDEO_S, audio: false });
    const res = await postDub(silent, { language: 'es' });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe('dub_no_audio');
    expect(await storage.list(`${folder}dubs/`)).toEqual([]);
  });

  it('refuses a file that is not media with 415 upload_type_rejected, and a video not ready yet with 409', async () => {
    const text = join(tmpdir(), `reelkit-dub-${process.pid}-notes.txt`);
    await writeFile(text, 'these are the translator’s notes, not audio\n'.repeat(50));
    const res = await postDub(text, { language: 'es' });
    expect(res.status, res.text).toBe(415);
    expect(res.body.code).toBe('upload_type_rejected');
    expect(await storage.list(`${folder}dubs/`)).toEqual([]);

    const fresh = await uploadVideo(
      stack.api.url,
      stack.admin.accessToken,
      await makeClip({ seconds: 2, width: 320, height: 180 }),
      'Not ready yet',
    );
    const early = await postDub(
      await makeDub('early', 2, 440),
      { language: 'es' },
      stack.admin.accessToken,
      fresh,
    );
    expect(early.status, early.text).toBe(409);
    expect(early.body.code).toBe('video_not_ready');
    expect(await storage.list(`${stack.admin.orgId}/${fresh}/dubs/`)).toEqual([]);
  });

  it(
    'adds two dubs posted at once: both end up in the master, and each decodes for the video’s length',
    async () => {
      const hook = await call(stack.api.url, 'POST', '/v1/webhooks', {
        token: stack.admin.accessToken,
        body: { url: receiver.url, events: ['video.updated'] },
      });
      expect(hook.status, hook.text).toBe(201);
      const client = await connectClient(stack.api.url, stack.admin.accessToken);
      const [fr, de] = await Promise.all([
        makeDub('fr', VIDEO_S, 660),
        makeDub('de', VIDEO_S + 0.5, 770, 'mp3'),
      ]);
      const [a, b] = await Promise.all([
        postDub(fr, { language: 'fr', label: 'Français' }),
        postDub(de, { language: 'de' }),
      ]);
      expect(a.status, a.text).toBe(202);
      expect(b.status, b.text).toBe(202);
      expect(a.body).toMatchObject({
        status: 'processing',
        language: 'fr',
        label: 'Français',
        source: 'upload',
      });
      expect(b.body).toMatchObject({ status: 'processing', language: 'de', label: 'German' });
      expect(a.headers.get('location')).toBe(`/v1/videos/${videoId}/audio-tracks/${a.body.id}`);
      await waitForTracks([a.body.id, b.body.id]);
      const items = await listTracks();
      // The source's track first, then the dubs (in whichever order the two requests got the lock).
      expect(items[0]).toMatchObject({ source: 'source', status: 'ready' });
      expect(
        items
          .slice(1)
          .map((t) => `${t.language}:${t.status}`)
          .sort(),
      ).toEqual(['de:ready', 'fr:ready']);

      const { url, text } = await masterText();
      const audio = audioLines(text);
      expect(audio, text).toHaveLength(3);
      const french = audio.find((l) => l.includes('LANGUAGE="fr"'));
      const german = audio.find((l) => l.includes('LANGUAGE="de"'));
      expect(french, text).toContain('NAME="Français"');
      expect(french).toContain('DEFAULT=NO');
      expect(french).toContain(`URI="audio/${a.body.id}/index.m3u8"`);
      expect(german, text).toContain('NAME="German"');
      for (const v of text.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:')))
        expect(v).toContain('AUDIO="audio"');

      // The rendition, through the signed URLs a player uses: ffprobe reads it as HLS and decodes it.
      const playlist = new URL(`audio/${a.body.id}/index.m3u8`, url).href;
      const probe = await run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=duration:stream=codec_name,channels',
        '-of',
        'json',
        playlist,
      ]);
      const probed = JSON.parse(probe.stdout) as {
        format: { duration: string };
        streams: Array<{ codec_name: string; channels: number }>;
      };
      expect(probed.streams[0]).toMatchObject({ codec_name: 'aac', channels: 2 });
      expect(Math.abs(Number(probed.format.duration) - VIDEO_S)).toBeLessThanOrEqual(1);
      await run('ffmpeg', ['-v', 'error', '-xerror', '-i', playlist, '-f', 'null', '-']);
      const segments = await storage.list(`${folder}hls/audio/${a.body.id}/`);
      expect(segments.some((k) => k.endsWith('/init.mp4'))).toBe(true);
      expect(segments.some((k) => k.endsWith('/seg_00001.m4s'))).toBe(true);

      // Each dub announced itself twice (recorded, then ready) on socket.io and as a webhook.
      const updates = () =>
        client.events.filter(
          (e) =>
            e.event === 'video:updated' &&
            JSON.stringify(e.payload) === JSON.stringify({ videoId, changes: ['audioTracks'] }),
        );
      await client.waitFor(() => updates().length >= 4, 30_000);
      client.close();
      await receiver.waitForCount(4, 60_000);
      for (const r of receiver.received)
        expect(JSON.parse(r.body)).toMatchObject({
          type: 'video.updated',
          data: { videoId, changes: ['audioTracks'] },
        });

      // The video's own JSON lists the ready tracks.
      const video = await call(stack.api.url, 'GET', `/v1/videos/${videoId}`, { token: viewer.accessToken });
      expect(video.body.audioTracks.map((t: { language: string }) => t.language)).toContain('fr');
    },
    TRANSCODE_TEST_TIMEOUT_MS,
  );
});

describe('DELETE /v1/videos/:id/audio-tracks/:trackId', () => {
  it('removes a dub from the master and from storage; a source track stays', async () => {
    const items = await listTracks();
    const french = items.find((t) => t.language === 'fr')!;
    const source = items.find((t) => t.source === 'source')!;
    const del = (id: string, token = stack.admin.accessToken) =>
      call(stack.api.url, 'DELETE', `/v1/videos/${videoId}/audio-tracks/${id}`, { token });

    expect((await del(french.id, viewer.accessToken)).status).toBe(403);
    const kept = await del(source.id);
    expect(kept.status).toBe(409);
    expect(kept.body.code).toBe('audio_track_from_source');

    expect((await del(french.id)).status).toBe(204);
    const { text } = await masterText();
    expect(audioLines(text), text).toHaveLength(2);
    expect(text).not.toContain(french.id);
    expect(await storage.list(`${folder}hls/audio/${french.id}/`)).toEqual([]);
    expect(await storage.list(`${folder}dubs/${french.id}`)).toEqual([]);
    expect((await listTracks()).map((t) => t.id)).not.toContain(french.id);

    const again = await del(french.id);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('audio_track_not_found');
  });
});

describe('DELETE /v1/videos/:id while dubs are processing', () => {
  it(
    'withdraws the dub jobs (a waiting one removed, a running one cancelled): nothing of the video stays in storage',
    async () => {
      const seconds = 4;
      const doomed = await stack.uploadReady(
        await makeClip({ seconds, width: 320, height: 180 }),
        'Deleted while dubbed',
      );
      const doomedFolder = `${stack.admin.orgId}/${doomed}/`;
      // Three dubs for a worker that runs two at once: whatever each job is doing when the video
      // goes (waiting, fetching its file, encoding, publishing), none may leave a file behind.
      const posted = await Promise.all(
        ['pt', 'nl', 'sv'].map(async (language, i) =>
          postDub(
            await makeDub(`doomed-${language}`, seconds, 300 + 100 * i),
            { language },
            stack.admin.accessToken,
            doomed,
          ),
        ),
      );
      for (const res of posted) expect(res.status, res.text).toBe(202);
      const del = await call(stack.api.url, 'DELETE', `/v1/videos/${doomed}`, {
        token: stack.admin.accessToken,
      });
      expect(del.status, del.text).toBe(204);

      // Each dub job ends: removed (it was waiting), failed (cancelled while running), or completed
      // (it finished before the deletion). Then nothing may have been published after the files went.
      const queue = stack.api.reelkit.queue;
      const until = Date.now() + TRANSCODE_BUDGET_MS;
      const states = async () =>
        Promise.all(
          posted.map(async (res) => {
            const job = await queue.getJob(`dub-${res.body.id}`);
            return job ? `${await job.getState()}:${job.failedReason ?? ''}` : 'removed';
          }),
        );
      let now = await states();
      while (now.some((s) => !/^(removed|completed:|failed:)/.test(s))) {
        if (Date.now() > until) throw new Error(`dub jobs still open: ${now.join(', ')}`);
        await new Promise((r) => setTimeout(r, 250));
        now = await states();
      }
      expect(await storage.list(doomedFolder)).toEqual([]);
      expect(
        (await call(stack.api.url, 'GET', `/v1/videos/${doomed}`, { token: stack.admin.accessToken })).status,
      ).toBe(404);
    },
    TRANSCODE_TEST_TIMEOUT_MS,
  );
});
