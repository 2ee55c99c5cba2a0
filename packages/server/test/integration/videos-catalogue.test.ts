import { readFile } from 'node:fs/promises';
import { transcodeCancelChannel, type VideoLifecycleStatus } from '@reelkit/protocol';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { createRedis } from '../../src/index.js';
import type { VISIBILITIES } from '../../src/videos/video-model.js';
import { eventually, startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

interface VideoOut {
  id: string;
  title: string;
  status: string;
  visibility: string;
  description: string;
}

describe('the video catalogue', () => {
  let t: VideoTestServer;
  let clip: Buffer;
  beforeAll(async () => {
    t = await startVideoTestServer();
    clip = await readFile(await makeClip({ width: 160, height: 90, seconds: 1 }));
  });
  afterAll(() => t.close());

  async function upload(org: string, title: string): Promise<VideoOut> {
    const f = new FormData();
    f.append('title', title);
    f.append('file', new Blob([new Uint8Array(clip)], { type: 'video/mp4' }), 'a.mp4');
    const res = await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(org), body: f });
    expect(res.status).toBe(201);
    return (await res.json()) as VideoOut;
  }

  /** Documents straight into the collection, for listing tests that need many. */
  async function seed(
    org: string,
    rows: Array<{
      title: string;
      status?: VideoLifecycleStatus;
      visibility?: (typeof VISIBILITIES)[number];
      duration?: number;
      size?: number;
    }>,
  ) {
    for (const r of rows) {
      await t.Video.create({
        orgId: org,
        title: r.title,
        status: r.status ?? 'queued',
        visibility: r.visibility ?? 'private',
        ...(r.duration !== undefined ? { metadata: { duration: r.duration } } : {}),
        source: {
          key: `${org}/x/source`,
          size: r.size ?? 10,
          sha256: 'a'.repeat(64),
          etag: '"e"',
          lastModified: new Date(),
          mimeType: 'video/mp4',
          container: 'mp4',
        },
        createdBy: { kind: 'user', id: 'u1' },
      });
    }
  }

  const get = async (org: string, path: string, role: 'viewer' | 'editor' = 'viewer') => {
    const res = await fetch(`${t.url}${path}`, { headers: t.as(org, role) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('pages through every video once, newest first, with an opaque cursor', async () => {
    const org = t.newOrg();
    await seed(
      org,
      Array.from({ length: 7 }, (_, i) => ({ title: `v${i}` })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const { status, body } = await get(org, `/v1/videos?limit=3${q}`);
      expect(status).toBe(200);
      const items = body.items as VideoOut[];
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items.map((v) => v.title));
      cursor = body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0']);
  });

  it('filters by status and visibility and searches titles literally, case-insensitively', async () => {
    const org = t.newOrg();
    await seed(org, [
      { title: 'Cats (2024)', status: 'ready', visibility: 'public' },
      { title: 'cats.mp4 draft', status: 'failed' },
      { title: 'Dogs', status: 'ready' },
      { title: 'cats?' },
    ]);
    const titles = async (q: string) =>
      ((await get(org, `/v1/videos?${q}`)).body.items as VideoOut[]).map((v) => v.title).sort();
    expect(await titles('status=ready')).toEqual(['Cats (2024)', 'Dogs']);
    expect(await titles('visibility=public')).toEqual(['Cats (2024)']);
    expect(await titles('q=CATS')).toEqual(['Cats (2024)', 'cats.mp4 draft', 'cats?']);
    expect(await titles(`q=${encodeURIComponent('(2024)')}`)).toEqual(['Cats (2024)']);
    expect(await titles(`q=${encodeURIComponent('.*')}`)).toEqual([]);
    expect(await titles('q=cats&status=ready&visibility=public')).toEqual(['Cats (2024)']);
  });

  it.each(['limit=101', 'limit=0', 'limit=x', 'status=done', 'visibility=all', 'cursor=zzz', 'sort=title'])(
    'answers 400 to ?%s',
    async (q) => {
      const { status, body } = await get(t.newOrg(), `/v1/videos?${q}`);
      expect(status).toBe(400);
      expect(body.code).toBe('validation_failed');
    },
  );

  it('never shows another organisation’s video: 404 for get, patch, delete and file', async () => {
    const mine = t.newOrg();
    const theirs = t.newOrg();
    const v = await upload(theirs, 'secret');
    expect((await get(mine, `/v1/videos/${v.id}`)).status).toBe(404);
    expect((await get(mine, `/v1/videos/${v.id}/file`)).status).toBe(404);
    const patch = await fetch(`${t.url}/v1/videos/${v.id}`, {
      method: 'PATCH',
      headers: { ...t.as(mine), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'mine now' }),
    });
    expect(patch.status).toBe(404);
    expect((await patch.json()).code).toBe('video_not_found');
    const del = await fetch(`${t.url}/v1/videos/${v.id}`, { method: 'DELETE', headers: t.as(mine) });
    expect(del.status).toBe(404);
    expect(((await get(mine, '/v1/videos')).body.items as unknown[]).length).toBe(0);
    expect((await get(theirs, `/v1/videos/${v.id}`)).body.title).toBe('secret');
  });

  it.each(['nope', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz', new Types.ObjectId().toHexString()])(
    'answers 404 to id %s',
    async (id) => {
      const { status, body } = await get(t.newOrg(), `/v1/videos/${id}`);
      expect(status).toBe(404);
      expect(body.code).toBe('video_not_found');
    },
  );

  it('edits title, description and visibility, and refuses any other field without applying it', async () => {
    const org = t.newOrg();
    const v = await upload(org, 'before');
    const patch = (body: unknown, role: 'viewer' | 'editor' = 'editor') =>
      fetch(`${t.url}/v1/videos/${v.id}`, {
        method: 'PATCH',
        headers: { ...t.as(org, role), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await patch({ title: 'after', description: 'd', visibility: 'unlisted' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      id: v.id,
      title: 'after',
      description: 'd',
      visibility: 'unlisted',
    });

    const other = t.newOrg();
    for (const body of [
      { orgId: other },
      { status: 'ready' },
      { title: 'x', status: 'ready' },
      { title: '' },
    ]) {
      const res = await patch(body);
      expect(res.status).toBe(400);
      expect((await res.json()).code).toBe('validation_failed');
    }
    expect((await patch({ title: 'viewer edit' }, 'viewer')).status).toBe(403);
    const doc = await t.Video.findById(v.id).lean();
    expect(doc).toMatchObject({ title: 'after', status: 'queued' });
    expect(doc!.orgId.toHexString()).toBe(org);
  });

  it('deletes the document, the files and the waiting job, and announces the cancel', async () => {
    const org = t.newOrg();
    const v = await upload(org, 'doomed');
    expect(await t.jobsOf(v.id)).toHaveLength(1);
    expect(await t.filesOf(org)).toHaveLength(1);

    const sub = createRedis(t.config.REDIS_URL, 'cancel-listener');
    const messages: string[] = [];
    await sub.subscribe(transcodeCancelChannel(t.config.REDIS_PREFIX));
    sub.on('message', (_channel: string, message: string) => messages.push(message));

    expect(
      (await fetch(`${t.url}/v1/videos/${v.id}`, { method: 'DELETE', headers: t.as(org, 'viewer') })).status,
    ).toBe(403);
    const res = await fetch(`${t.url}/v1/videos/${v.id}`, { method: 'DELETE', headers: t.as(org) });
    expect(res.status).toBe(204);
    expect(await t.Video.countDocuments({ _id: v.id })).toBe(0);
    expect(await t.filesOf(org)).toEqual([]);
    expect(await t.jobsOf(v.id)).toEqual([]);
    await eventually(async () => expect(messages).toEqual([v.id]));
    await sub.quit();
    expect((await get(org, `/v1/videos/${v.id}`)).status).toBe(404);
  });

  it('answers exactly what the response schemas of the video routes document, in every state', async () => {
    const org = t.newOrg();
    const schemaOf = (method: string, path: string) => {
      const route = t.routes.find((r) => r.method === method && r.path === path);
      if (!route?.response) throw new Error(`${method} ${path} has no response schema`);
      return route.response;
    };
    const expectValid = (method: string, path: string, body: unknown, what: string) => {
      const checked = schemaOf(method, path).safeParse(body);
      expect(checked.success ? [] : checked.error.issues, what).toEqual([]);
    };
    const common = { orgId: org, createdBy: { kind: 'user', id: 'u1' } } as const;
    const source = {
      key: `${org}/x/source`,
      size: 1234,
      sha256: 'b'.repeat(64),
      etag: '"e"',
      lastModified: new Date(),
      mimeType: 'video/mp4',
      container: 'mp4',
      originalName: 'holiday.mp4',
    };
    // Every optional part set, as the pipeline leaves a finished video.
    const ready = await t.Video.create({
      ...common,
      title: 'Ready',
      status: 'ready',
      visibility: 'public',
      progress: { stage: 'finalize', percent: 100 },
      source,
      metadata: {
        duration: 12.5,
        width: 1280,
        height: 720,
        rotation: 0,
        hdr: null,
        fps: 29.97,
        videoCodec: 'h264',
        audioCodec: null,
        hasAudio: false,
        hasVideo: true,
        bitrate: null,
        container: 'mov,mp4,m4a,3gp,3g2,mj2',
        sizeBytes: 1234,
      },
      renditions: [
        {
          rung: 720,
          width: 1280,
          height: 720,
          bandwidth: 2_000_000,
          averageBandwidth: 1_500_000,
          codecs: 'avc1.64001f',
          frameRate: 29.97,
          playlistKey: `${org}/x/hls/720p/index.m3u8`,
        },
      ],
      posterKey: `${org}/x/poster.jpg`,
      storyboard: { imageKey: `${org}/x/storyboard.jpg`, vttKey: `${org}/x/storyboard.vtt` },
      mp4: {
        key: `${org}/x/mp4/720p.mp4`,
        size: 999,
        etag: '"m"',
        lastModified: new Date(),
        mimeType: 'video/mp4',
      },
      sensitivity: {
        score: 75,
        label: 'safe',
        reasons: [{ code: 'missing_stream', message: 'No audio stream', penalty: 25 }],
      },
    });
    const failed = await t.Video.create({
      ...common,
      title: 'Failed',
      status: 'failed',
      source,
      error: { code: 'source_unreadable', message: 'ffprobe could not read the file as media' },
    });
    const uploading = await t.Video.create({
      ...common,
      title: 'Uploading',
      status: 'uploading',
      upload: { length: 5000, offset: 1000, parts: [{ key: `${org}/y/tus/0-a/data`, size: 1000 }] },
    });
    const uploaded = await upload(org, 'queued');
    for (const id of [String(ready._id), String(failed._id), String(uploading._id), uploaded.id]) {
      const { status, body } = await get(org, `/v1/videos/${id}`);
      expect(status).toBe(200);
      expectValid('get', '/v1/videos/:id', body, `video ${String(body.title)}`);
    }
    const one = await get(org, `/v1/videos/${String(ready._id)}`);
    expect(one.body).toMatchObject({ hasPoster: true, hasStoryboard: true, hasProgressiveMp4: true });
    expectValid('post', '/v1/videos', uploaded, 'multipart upload answer');
    const page = await get(org, '/v1/videos?limit=2');
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expectValid('get', '/v1/videos', page.body, 'a page with a next one');
    expectValid('get', '/v1/videos', (await get(org, '/v1/videos?limit=100')).body, 'the last page');
    expectValid('get', '/v1/videos/stats', (await get(org, '/v1/videos/stats')).body, 'stats');
    expectValid('get', '/v1/videos/stats', (await get(t.newOrg(), '/v1/videos/stats')).body, 'no videos');
    const patched = await fetch(`${t.url}/v1/videos/${String(ready._id)}`, {
      method: 'PATCH',
      headers: { ...t.as(org), 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'edited' }),
    });
    expect(patched.status).toBe(200);
    expectValid('patch', '/v1/videos/:id', await patched.json(), 'patched video');
  });

  it('sums counts, duration and bytes by status with an aggregation pipeline', async () => {
    const org = t.newOrg();
    await seed(org, [
      { title: 'a', status: 'ready', duration: 10, size: 100 },
      { title: 'b', status: 'ready', duration: 5.5, size: 50 },
      { title: 'c', status: 'failed', size: 7 },
      { title: 'd', status: 'queued', size: 1 },
    ]);
    await seed(t.newOrg(), [{ title: 'other org', status: 'ready', duration: 99, size: 999 }]);
    const { status, body } = await get(org, '/v1/videos/stats');
    expect(status).toBe(200);
    expect(body).toEqual({
      byStatus: [
        { status: 'failed', count: 1, durationSeconds: 0, bytes: 7 },
        { status: 'queued', count: 1, durationSeconds: 0, bytes: 1 },
        { status: 'ready', count: 2, durationSeconds: 15.5, bytes: 150 },
      ],
      total: { count: 4, durationSeconds: 15.5, bytes: 158 },
    });
  });
});
