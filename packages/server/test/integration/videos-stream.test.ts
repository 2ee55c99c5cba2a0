import { readFile, truncate } from 'node:fs/promises';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { storedFileFromStat } from '../../src/videos/index.js';
import { startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

describe('GET /v1/videos/:id/file (progressive streaming)', () => {
  let t: VideoTestServer;
  let clip: Buffer;
  let org: string;
  let id: string;
  let url: string;
  beforeAll(async () => {
    t = await startVideoTestServer();
    clip = await readFile(await makeClip({ width: 160, height: 90, seconds: 2 }));
    org = t.newOrg();
    id = (await upload(org)).id;
    url = `${t.url}/v1/videos/${id}/file`;
  });
  afterAll(() => t.close());

  /** The clip, uploaded to `owner` as an editor. */
  async function upload(owner: string): Promise<{ id: string }> {
    const f = new FormData();
    f.append('file', new Blob([new Uint8Array(clip)], { type: 'video/mp4' }), 'a.mp4');
    const res = await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(owner), body: f });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  }

  const get = (headers: Record<string, string> = {}, method = 'GET') =>
    fetch(url, { method, headers: { ...t.as(org, 'viewer'), ...headers } });
  const size = () => clip.length;

  it('serves the whole file with validators, caching and the sniffed type', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(clip)).toBe(true);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(size()));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(res.headers.get('last-modified')).toMatch(/GMT$/);
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
  });

  it('answers any single range with 206 and exactly that slice of the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: size() - 1 }),
        fc.nat({ max: size() }),
        fc.constantFrom('a-b', 'a-', '-n'),
        async (a, len, form) => {
          const header =
            form === 'a-b' ? `bytes=${a}-${a + len}` : form === 'a-' ? `bytes=${a}-` : `bytes=-${len + 1}`;
          const [start, end] =
            form === 'a-b'
              ? [a, Math.min(a + len, size() - 1)]
              : form === 'a-'
                ? [a, size() - 1]
                : [Math.max(0, size() - len - 1), size() - 1];
          const res = await get({ range: header });
          expect(res.status).toBe(206);
          expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size()}`);
          expect(res.headers.get('content-length')).toBe(String(end - start + 1));
          expect(Buffer.from(await res.arrayBuffer()).equals(clip.subarray(start, end + 1))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers an unsatisfiable range with 416 and Content-Range: bytes */size', async () => {
    const res = await get({ range: `bytes=${size()}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${size()}`);
    expect((await res.json()).code).toBe('range_not_satisfiable');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    'bytes=oops',
    'bytes=5-1',
    'lines=1-2',
    'bytes=0-0,-1',
    'bytes=' + Array.from({ length: 200 }, (_, i) => `${i * 2}-${i * 2}`).join(','),
  ])('answers %s with 200 and the whole file', async (range) => {
    const res = await get({ range });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).length).toBe(size());
  });

  it('coalesces overlapping ranges into one 206', async () => {
    const res = await get({ range: 'bytes=0-99,50-199' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-199/${size()}`);
  });

  it('answers HEAD with the headers of a GET and no body, ignoring Range (RFC 9110 §14.2)', async () => {
    const res = await get({ range: 'bytes=10-19' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size()));
    expect(res.headers.get('content-range')).toBeNull();
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const full = await get({}, 'HEAD');
    expect(full.status).toBe(200);
    expect(full.headers.get('content-length')).toBe(String(size()));
  });

  it('answers 412 to a false If-Match or If-Unmodified-Since before looking at Range, uncached', async () => {
    const { headers } = await get({}, 'HEAD');
    const etag = headers.get('etag')!;
    for (const conditions of <Array<Record<string, string>>>[
      { 'if-match': '"other"' },
      { 'if-match': `W/${etag}` },
      { 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' },
    ]) {
      const res = await get({ ...conditions, range: 'bytes=0-9' });
      expect(res.status, JSON.stringify(conditions)).toBe(412);
      expect((await res.json()).code).toBe('precondition_failed');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-range')).toBeNull();
    }
    for (const ifMatch of [etag, '*', `"a", ${etag}`]) {
      const res = await get({ 'if-match': ifMatch, range: 'bytes=0-9' });
      expect(res.status, ifMatch).toBe(206);
      await res.arrayBuffer();
    }
  });

  it('takes only HTTP-dates as dates: an ISO If-Range means the whole file, an ISO If-Modified-Since nothing', async () => {
    const iso = new Date(Date.now() + 86_400_000).toISOString();
    const ranged = await get({ range: 'bytes=0-9', 'if-range': iso });
    expect(ranged.status).toBe(200);
    expect(Buffer.from(await ranged.arrayBuffer()).length).toBe(size());
    const modified = await get({ 'if-modified-since': iso });
    expect(modified.status).toBe(200);
    await modified.arrayBuffer();
  });

  it('answers 304 to If-None-Match and If-Modified-Since, and honours If-Range', async () => {
    const first = await get();
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    const inm = await get({ 'if-none-match': etag });
    expect(inm.status).toBe(304);
    expect(inm.headers.get('etag')).toBe(etag);
    expect((await get({ 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get({ 'if-none-match': '"other"', 'if-modified-since': lastModified })).status).toBe(200);

    const matching = await get({ range: 'bytes=0-9', 'if-range': etag });
    expect(matching.status).toBe(206);
    const stale = await get({ range: 'bytes=0-9', 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect(Buffer.from(await stale.arrayBuffer()).length).toBe(size());
    expect((await get({ range: 'bytes=0-9', 'if-range': lastModified })).status).toBe(206);
  });

  it('serves the progressive MP4 rendition once it is recorded, without asking storage for its size', async () => {
    const other = t.newOrg();
    const v = await upload(other);
    const rendition = Buffer.from(clip.subarray(0, 5000));
    const key = `${other}/${v.id}/mp4/360p.mp4`;
    await t.storage.write(key, Readable.from([rendition]));
    const stat = await t.storage.stat(key);
    await t.Video.updateOne({ _id: v.id }, { $set: { mp4: storedFileFromStat(stat!), status: 'ready' } });
    const res = await fetch(`${t.url}/v1/videos/${v.id}/file`, {
      headers: { ...t.as(other, 'viewer'), range: 'bytes=-100' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 4900-4999/5000');
    expect(Buffer.from(await res.arrayBuffer()).equals(rendition.subarray(4900))).toBe(true);
  });

  it('answers for the size the file has, rather than hang or send short, when it is shorter than recorded', async () => {
    const other = t.newOrg();
    const v = await upload(other);
    // Someone truncates the stored file behind the server's back.
    await truncate(t.storage.localPath(`${other}/${v.id}/source`)!, 1000);
    const fileUrl = `${t.url}/v1/videos/${v.id}/file`;
    const head = await fetch(fileUrl, { headers: { ...t.as(other, 'viewer'), range: 'bytes=0-99' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe('bytes 0-99/1000');
    expect(Buffer.from(await head.arrayBuffer()).equals(clip.subarray(0, 100))).toBe(true);
    const whole = await fetch(fileUrl, { headers: t.as(other, 'viewer') });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await whole.arrayBuffer()).equals(clip.subarray(0, 1000))).toBe(true);
    const beyond = await fetch(fileUrl, { headers: { ...t.as(other, 'viewer'), range: 'bytes=1000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */1000');
    await beyond.arrayBuffer();
  });

  it('needs a caller', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(401);
  });
});
