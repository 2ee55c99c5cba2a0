import { createHash } from 'node:crypto';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { createLogger } from '../../src/logger.js';
import { createUploadSweeper, createVideoService } from '../../src/videos/index.js';
import { eventually, startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';
import { TUS, tusHead, tusPatch } from '../../../../test/support/tus-requests.js';

/** This process's open descriptors of files below `dir` (the server under test runs in it). */
async function descriptorsBelow(dir: string): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((t) => t.startsWith(`${dir}/`));
}

const silent = createLogger({ level: 'silent', name: 'tus-test' });

const b64 = (s: string) => Buffer.from(s).toString('base64');
const MAX = 8 * 1024 * 1024;
const DAY = 86_400_000;

describe('tus resumable uploads (/v1/uploads)', () => {
  let t: VideoTestServer;
  let clip: Buffer;
  // The routes' clock runs a month behind: uploads made here expire in the past, so the sweeper
  // test (on the real clock) removes only these, never another test file's uploads in progress.
  let clock = Date.now() - 30 * DAY;
  beforeAll(async () => {
    t = await startVideoTestServer({ maxUploadBytes: MAX, now: () => clock });
    clip = await readFile(await makeClip({ width: 320, height: 180, seconds: 2 }));
  });
  afterAll(() => t.close());

  async function create(org: string, length: number, metadata = `filename ${b64('trip.mp4')}`) {
    const res = await fetch(`${t.url}/v1/uploads`, {
      method: 'POST',
      headers: { ...t.as(org), ...TUS, 'upload-length': String(length), 'upload-metadata': metadata },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('tus-resumable')).toBe('1.0.0');
    return `${t.url}${res.headers.get('location')}`;
  }

  const patch = (org: string, url: string, offset: number, body: Buffer) =>
    tusPatch(url, t.as(org), offset, body);

  /** A PATCH announcing `length` bytes at `offset`, whose body the test writes (and cuts) itself. */
  function rawPatch(org: string, url: string, offset: number, length: number) {
    const u = new URL(url);
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'PATCH',
      headers: {
        ...t.as(org),
        ...TUS,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(length),
      },
    });
    req.on('error', () => undefined);
    return req;
  }

  async function offsetOf(org: string, url: string): Promise<number> {
    const res = await tusHead(url, t.as(org));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return Number(res.headers.get('upload-offset'));
  }

  it('advertises the protocol on OPTIONS', async () => {
    const res = await fetch(`${t.url}/v1/uploads`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('tus-version')).toBe('1.0.0');
    expect(res.headers.get('tus-extension')).toBe('creation,creation-with-upload,termination,expiration');
    expect(res.headers.get('tus-max-size')).toBe(String(MAX));
  });

  it('resumes after a cut connection and yields a byte-identical file, then one job', async () => {
    const org = t.newOrg();
    const url = await create(org, clip.length);
    const id = url.split('/').at(-1)!;
    expect(await t.Video.findById(id).lean()).toMatchObject({ status: 'uploading', title: 'trip' });
    expect(await offsetOf(org, url)).toBe(0);

    const first = 10_000;
    const r1 = await patch(org, url, 0, clip.subarray(0, first));
    expect(r1.status).toBe(204);
    expect(r1.headers.get('upload-offset')).toBe(String(first));

    // Second PATCH announces the rest, sends part of it, and the connection dies.
    const req = rawPatch(org, url, first, clip.length - first);
    req.write(clip.subarray(first, first + 20_000));
    await new Promise((r) => setTimeout(r, 300));
    req.destroy();

    let resumeAt = 0;
    // The server keeps the cut part once it sees the connection close: slow on a busy machine.
    await eventually(async () => {
      resumeAt = await offsetOf(org, url);
      expect(resumeAt).toBeGreaterThan(first);
    }, 30_000);
    expect(resumeAt).toBeLessThanOrEqual(first + 20_000);
    // A PATCH at a stale offset is refused.
    expect((await patch(org, url, first, clip.subarray(first))).status).toBe(409);

    const r3 = await patch(org, url, resumeAt, clip.subarray(resumeAt));
    expect(r3.status).toBe(204);
    expect(r3.headers.get('upload-offset')).toBe(String(clip.length));

    const video = await t.Video.findById(id).lean();
    expect(video).toMatchObject({
      status: 'queued',
      source: { size: clip.length, mimeType: 'video/mp4', originalName: 'trip.mp4' },
    });
    expect(video!.upload).toBeUndefined();
    const sha = createHash('sha256').update(clip).digest('hex');
    expect(video!.source!.sha256).toBe(sha);
    const stored = await readFile(t.storage.localPath(`${org}/${id}/source`));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(sha);
    expect(await t.filesOf(org)).toHaveLength(1); // the parts are gone
    const jobs = await t.jobsOf(id);
    expect(jobs.map((j) => j.id)).toEqual([id]);
    expect(jobs[0]!.data).toMatchObject({
      orgId: org,
      videoId: id,
      sourceKey: `${org}/${id}/source`,
      originalName: 'trip.mp4',
    });
    expect(await offsetOf(org, url)).toBe(clip.length);
  });

  it('a PATCH cut before its handler reads the body ends, and holds no descriptor of its part', async () => {
    const org = t.newOrg();
    const url = await create(org, clip.length);
    const id = url.split('/').at(-1)!;
    const handled = t.handledRequests();
    // The connection dies while the server still looks the upload up (the client sends the head
    // and a few bytes and is gone at once): the handler then finds the request already closed.
    for (let i = 0; i < 5; i++) {
      const req = rawPatch(org, url, 0, clip.length);
      // Gone as soon as the head and the first bytes are out.
      await new Promise<void>((resolve) => req.write(clip.subarray(0, 1000), () => resolve()));
      req.destroy();
    }
    // Every cut PATCH ends: the descriptors of its part's file close (a handler that waited for
    // the body of a request already gone held one open for ever, and its file once deleted).
    await eventually(async () => expect(t.handledRequests() - handled).toBe(5), 30_000);
    const partFds = () => descriptorsBelow(t.storage.localPath(`${org}/${id}/tus`));
    expect(await partFds()).toEqual([]);
    // Then the upload goes on as if the cut PATCHes had never come.
    const offset = await offsetOf(org, url);
    const done = await patch(org, url, offset, clip.subarray(offset));
    expect(done.status).toBe(204);
    expect(done.headers.get('upload-offset')).toBe(String(clip.length));
    expect(await partFds()).toEqual([]);
  });

  it('finalizes on HEAD an upload whose last part was stored but never joined (its API died)', async () => {
    const org = t.newOrg();
    const url = await create(org, clip.length);
    const id = url.split('/').at(-1)!;
    const half = Math.floor(clip.length / 2);
    expect((await patch(org, url, 0, clip.subarray(0, half))).status).toBe(204);
    // What a PATCH of the rest leaves when its process is killed between storing the part (and
    // moving the offset to the end) and joining the parts: the soak run's api kill -9 found it.
    const key = `${org}/${id}/tus/${half}-deadbeef/data`;
    await t.storage.write(key, Readable.from([clip.subarray(half)]));
    const moved = await t.Video.updateOne(
      { _id: id, status: 'uploading', 'upload.offset': half },
      {
        $set: { 'upload.offset': clip.length },
        $push: { 'upload.parts': { key, size: clip.length - half } },
      },
    );
    expect(moved.modifiedCount).toBe(1);

    // The client that got no answer asks where the upload stands: done, and really done.
    expect(await offsetOf(org, url)).toBe(clip.length);
    const video = await t.Video.findById(id).lean();
    expect(video).toMatchObject({ status: 'queued', source: { size: clip.length } });
    expect(video!.source!.sha256).toBe(createHash('sha256').update(clip).digest('hex'));
    expect((await t.jobsOf(id)).map((j) => j.id)).toEqual([id]);
    expect(await t.filesOf(org)).toHaveLength(1); // the parts are gone
  });

  it('rejects a non-video on its first bytes with 415 and keeps nothing', async () => {
    const org = t.newOrg();
    const html = Buffer.from('<!DOCTYPE html>' + 'x'.repeat(4000));
    const url = await create(org, html.length, `filename ${b64('fake.mp4')}`);
    const res = await patch(org, url, 0, html);
    expect(res.status).toBe(415);
    expect((await res.json()).code).toBe('upload_type_rejected');
    await eventually(async () => {
      expect(await t.filesOf(org)).toEqual([]);
      expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
    });
  });

  it('refuses more bytes than announced, and uploads over the maximum', async () => {
    const org = t.newOrg();
    const url = await create(org, 1000);
    const res = await patch(org, url, 0, clip.subarray(0, 2000));
    expect(res.status).toBe(413);
    expect(await offsetOf(org, url)).toBe(0);
    const tooBig = await fetch(`${t.url}/v1/uploads`, {
      method: 'POST',
      headers: { ...t.as(org), ...TUS, 'upload-length': String(MAX + 1) },
    });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).code).toBe('upload_too_large');
  });

  it('checks Tus-Resumable, the content type, the role and the organisation', async () => {
    const org = t.newOrg();
    const url = await create(org, clip.length);
    const noVersion = await fetch(url, { method: 'HEAD', headers: t.as(org) });
    expect(noVersion.status).toBe(412);
    expect(noVersion.headers.get('tus-version')).toBe('1.0.0');
    const wrongType = await fetch(url, {
      method: 'PATCH',
      headers: { ...t.as(org), ...TUS, 'upload-offset': '0', 'content-type': 'application/octet-stream' },
      body: new Uint8Array(clip.subarray(0, 10)),
    });
    expect(wrongType.status).toBe(415);
    expect((await fetch(url, { method: 'HEAD', headers: { ...t.as(org, 'viewer'), ...TUS } })).status).toBe(
      403,
    );
    expect((await fetch(url, { method: 'HEAD', headers: { ...t.as(t.newOrg()), ...TUS } })).status).toBe(404);
    const badMeta = await fetch(`${t.url}/v1/uploads`, {
      method: 'POST',
      headers: {
        ...t.as(org),
        ...TUS,
        'upload-length': '10',
        'upload-metadata': `title ${b64('x'.repeat(201))}`,
      },
    });
    expect(badMeta.status).toBe(400);
  });

  describe('creation-with-upload', () => {
    /** A creation POST whose body is `body`, sent with Content-Length (or chunked when `chunked`). */
    function createWith(
      org: string,
      length: number,
      body: Buffer,
      options: { type?: string; chunked?: boolean } = {},
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
      const u = new URL(`${t.url}/v1/uploads`);
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: u.hostname,
            port: u.port,
            path: u.pathname,
            method: 'POST',
            headers: {
              ...t.as(org),
              ...TUS,
              'upload-length': String(length),
              'upload-metadata': `filename ${b64('first.mp4')}`,
              'content-type': options.type ?? 'application/offset+octet-stream',
              ...(options.chunked ? {} : { 'content-length': String(body.length) }),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                json: /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text,
              }),
            );
          },
        );
        // The server may answer and close before the whole body is sent: that is the point.
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
        });
        if (options.chunked)
          for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
        req.end(options.chunked ? undefined : body);
      });
    }

    it('stores the body of the creation as the first bytes and answers their Upload-Offset', async () => {
      const org = t.newOrg();
      const first = 20_000;
      const res = await createWith(org, clip.length, clip.subarray(0, first));
      expect(res.status).toBe(201);
      expect(res.headers['upload-offset']).toBe(String(first));
      const url = `${t.url}${String(res.headers.location)}`;
      expect(await offsetOf(org, url)).toBe(first);
      expect((await patch(org, url, first, clip.subarray(first))).status).toBe(204);
      const video = await t.Video.findById(url.split('/').at(-1)).lean();
      expect(video?.status).toBe('queued');
      expect(video?.source?.sha256).toBe(createHash('sha256').update(clip).digest('hex'));
    });

    it('a creation that carries the whole file completes the upload at once', async () => {
      const org = t.newOrg();
      const res = await createWith(org, clip.length, clip, { chunked: true });
      expect(res.status).toBe(201);
      expect(res.headers['upload-offset']).toBe(String(clip.length));
      const id = String(res.headers['reelkit-video-id']);
      const video = await t.Video.findById(id).lean();
      expect(video?.status).toBe('queued');
      expect(await readFile(t.storage.localPath(`${org}/${id}/source`))).toEqual(clip);
      expect(await t.jobsOf(id)).toHaveLength(1);
    });

    it('refuses a body longer than Upload-Length with 413, declared or chunked, and keeps nothing', async () => {
      const org = t.newOrg();
      const declared = await createWith(org, 1000, clip.subarray(0, 2000));
      expect(declared.status).toBe(413);
      expect(declared.json).toMatchObject({ code: 'upload_too_large' });
      const chunked = await createWith(org, 1000, clip.subarray(0, 5000), { chunked: true });
      expect(chunked.status).toBe(413);
      expect(chunked.json).toMatchObject({ code: 'upload_too_large' });
      await eventually(async () => {
        expect(await t.filesOf(org)).toEqual([]);
        expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
      });
    });

    it('refuses a body that is not application/offset+octet-stream, or not a video, and keeps nothing', async () => {
      const org = t.newOrg();
      const wrongType = await createWith(org, clip.length, clip.subarray(0, 2000), {
        type: 'application/octet-stream',
      });
      expect(wrongType.status).toBe(415);
      expect(wrongType.json).toMatchObject({ code: 'unsupported_media_type' });
      const html = Buffer.from('<!DOCTYPE html>' + 'x'.repeat(4000));
      const notVideo = await createWith(org, html.length, html);
      expect(notVideo.status).toBe(415);
      expect(notVideo.json).toMatchObject({ code: 'upload_type_rejected' });
      await eventually(async () => {
        expect(await t.filesOf(org)).toEqual([]);
        expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
      });
    });
  });

  it('terminates an upload: document and parts go', async () => {
    const org = t.newOrg();
    const url = await create(org, clip.length);
    expect((await patch(org, url, 0, clip.subarray(0, 5000))).status).toBe(204);
    expect(await t.filesOf(org)).toHaveLength(1);
    const res = await fetch(url, { method: 'DELETE', headers: { ...t.as(org), ...TUS } });
    expect(res.status).toBe(204);
    expect(await t.filesOf(org)).toEqual([]);
    expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
  });

  describe('expiration', () => {
    const expiresOf = (res: Response) => Date.parse(res.headers.get('upload-expires') ?? '');

    it('announces Upload-Expires, renews it with every PATCH, and answers 410 once it passed', async () => {
      const org = t.newOrg();
      const created = await fetch(`${t.url}/v1/uploads`, {
        method: 'POST',
        headers: { ...t.as(org), ...TUS, 'upload-length': String(clip.length) },
      });
      const url = `${t.url}${created.headers.get('location')}`;
      const ttl = t.config.UPLOAD_EXPIRY_S * 1000;
      expect(Math.abs(expiresOf(created) - (clock + ttl))).toBeLessThan(1000);

      clock += ttl - 60_000; // a minute before it expires
      const head = await fetch(url, { method: 'HEAD', headers: { ...t.as(org), ...TUS } });
      expect(head.status).toBe(200);
      const first = await patch(org, url, 0, clip.subarray(0, 4000));
      expect(first.status).toBe(204);
      expect(Math.abs(expiresOf(first) - (clock + ttl))).toBeLessThan(1000);

      clock += ttl + 1000; // now past the renewed expiry
      const late = await fetch(url, { method: 'HEAD', headers: { ...t.as(org), ...TUS } });
      expect(late.status).toBe(410);
      const patched = await patch(org, url, 4000, clip.subarray(4000));
      expect(patched.status).toBe(410);
      expect(((await patched.json()) as { code: string }).code).toBe('upload_expired');
      expect(await offsetOf410(org, url)).toBe(4000); // nothing moved
    });

    it('sweeps expired uploads away, parts and document, and leaves live ones alone', async () => {
      const org = t.newOrg();
      const expired = await create(org, clip.length);
      expect((await patch(org, expired, 0, clip.subarray(0, 5000))).status).toBe(204);
      clock = Date.now() + 30 * DAY; // this one will be live on the real clock
      const live = await create(org, clip.length);
      expect((await patch(org, live, 0, clip.subarray(0, 5000))).status).toBe(204);
      clock = Date.now() - 30 * DAY;
      expect(await t.filesOf(org)).toHaveLength(2);

      const deleted: string[] = [];
      const sweeper = createUploadSweeper({
        Video: t.Video,
        discard: createVideoService({
          Video: t.Video,
          storage: t.storage,
          queue: t.queue,
          redis: t.redis,
          redisPrefix: t.config.REDIS_PREFIX,
          logger: silent,
        }).discard,
        announce: async (change) => void deleted.push(change.video._id.toHexString()),
        logger: silent,
      });
      expect(await sweeper.run()).toBeGreaterThanOrEqual(1);
      const expiredId = expired.split('/').at(-1)!;
      const liveId = live.split('/').at(-1)!;
      expect(deleted).toContain(expiredId);
      expect(deleted).not.toContain(liveId);
      expect(await t.Video.exists({ _id: expiredId })).toBeNull();
      expect(await t.Video.exists({ _id: liveId })).not.toBeNull();
      const files = await t.filesOf(org);
      expect(files).toHaveLength(1);
      expect(files[0]).toContain(liveId);
      await sweeper.close();
    });
  });

  /** The stored offset, read from the document (HEAD answers 410 once expired). */
  async function offsetOf410(org: string, url: string): Promise<number | undefined> {
    const video = await t.Video.findOne({ _id: url.split('/').at(-1), orgId: org }).lean();
    return video?.upload?.offset;
  }
});
