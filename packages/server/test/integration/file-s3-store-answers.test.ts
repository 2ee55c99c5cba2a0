// What `/file` answers on S3 storage when the store's answer to the ranged GET is not the bytes the
// cached `HeadObject` promised: the object shrank (the store answers 416, or a shorter 206), was
// deleted (404), or the store fails (5xx) or stays silent. Against the run's SeaweedFS; the
// failures come from a relay in front of it that passes HEADs on and fails GETs.
import { readFile } from 'node:fs/promises';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { S3Storage } from '@reelkit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { signup, startTestApi, uploadVideo, type TestApi } from '../../../../test/support/api-server.js';
import { isolatedStack, s3StackEnv, s3TestStorage, stackEnv } from '../../../../test/support/stack-env.js';

/** What the relay does with GETs (HEADs and everything else always go through). */
type RelayMode = 'pass' | 'fail' | 'silent';

describe('/file on S3 when the store answers otherwise than the cached stat promised', () => {
  const name = 's3ans';
  const s3 = s3StackEnv(name);
  const shared = {
    ...isolatedStack(name),
    JWT_SECRET: 'j'.repeat(40),
    PLAYBACK_KEYS: `k1:${'p'.repeat(40)}`,
  };
  const driver = (options: Partial<ConstructorParameters<typeof S3Storage>[0]>) =>
    s3TestStorage(s3.S3_PREFIX!, options);
  // A stat cached for a minute, so a rewrite by someone else is never noticed by the stat in time.
  const cached = driver({ statCacheMs: 60_000 });
  // The test's own view of the bucket: its writes do not touch the API's stat cache.
  const bucket = s3TestStorage(s3.S3_PREFIX!);
  let mode: RelayMode = 'pass';
  const held: ServerResponse[] = [];
  const store = new URL(stackEnv().S3_ENDPOINT);
  const relay = http.createServer((req, res) => {
    if (req.method === 'GET' && mode === 'fail') {
      res.writeHead(503, { 'content-type': 'application/xml', 'retry-after': '1' });
      res.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    if (req.method === 'GET' && mode === 'silent') {
      held.push(res);
      return;
    }
    // Headers as sent (Host included): the store checks the signature made for them.
    const up = http.request(
      { host: store.hostname, port: store.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  let api: TestApi;
  let faulty: TestApi;
  let faultyStorage: S3Storage;
  let clip: Buffer;
  let file: string;
  let admin: Awaited<ReturnType<typeof signup>>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    faultyStorage = driver({
      endpoint: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
      maxAttempts: 2,
      socketTimeoutMs: 1_000,
    });
    [api, faulty] = await Promise.all([
      startTestApi({ ...shared, ...s3 }, { storage: cached }),
      startTestApi({ ...shared, ...s3 }, { storage: faultyStorage }),
    ]);
    file = await makeClip({ width: 320, height: 180, seconds: 2 });
    clip = await readFile(file);
    admin = await signup(api.url);
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    relay.close();
    await Promise.all([api?.close(), faulty?.close()]);
    if (admin) await bucket.deletePrefix(`${admin.orgId}/`).catch(() => undefined);
    for (const s of [cached, faultyStorage, bucket]) s?.destroy();
  });

  const auth = () => ({ authorization: `Bearer ${admin.accessToken}` });
  const range = (url: string, value?: string) =>
    fetch(url, { headers: { ...auth(), ...(value ? { range: value } : {}) } });

  /** A video whose source the API has served once (its size now cached), then rewritten shorter. */
  async function shrunkVideo(length: number): Promise<{ url: string; kept: Buffer; etag: string }> {
    const id = await uploadVideo(api.url, admin.accessToken, file, 'shrinks');
    const url = `${api.url}/v1/videos/${id}/file`;
    const first = await range(url, 'bytes=0-99');
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${clip.length}`);
    await first.arrayBuffer();
    const kept = clip.subarray(0, length);
    await bucket.write(`${admin.orgId}/${id}/source`, Readable.from([kept]));
    return { url, kept, etag: first.headers.get('etag')! };
  }

  /** The problem document of an error answer, after checking it is one. */
  async function problem(res: Response): Promise<{ code: string; status: number }> {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as { code: string; status: number };
  }

  it('a range past the new end of an object that shrank answers 416 for its new size, not 500', async () => {
    const { url } = await shrunkVideo(1000);
    const res = await range(url, 'bytes=2000-2999');
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */1000');
    expect(await problem(res)).toMatchObject({ status: 416, code: 'range_not_satisfiable' });
    // The connection was left whole: the next request is answered, from the new size.
    const next = await range(url, 'bytes=0-9');
    expect(next.status).toBe(206);
    expect(next.headers.get('content-range')).toBe('bytes 0-9/1000');
    expect(Buffer.from(await next.arrayBuffer()).equals(clip.subarray(0, 10))).toBe(true);
  });

  it('a range across the new end answers the part that is still there (206, exact bytes)', async () => {
    const { url, kept } = await shrunkVideo(1000);
    const res = await range(url, 'bytes=500-2999');
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 500-999/1000');
    expect(res.headers.get('content-length')).toBe('500');
    expect(Buffer.from(await res.arrayBuffer()).equals(kept.subarray(500))).toBe(true);
  });

  it('the whole file of an object that shrank is its new bytes, with a new ETag', async () => {
    const { url, kept, etag } = await shrunkVideo(4000);
    const res = await range(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('4000');
    expect(Buffer.from(await res.arrayBuffer()).equals(kept)).toBe(true);
    expect(res.headers.get('etag')).not.toBe(etag);
  });

  it('an object deleted since its stat answers 404 not_found', async () => {
    const id = await uploadVideo(api.url, admin.accessToken, file, 'deleted');
    const url = `${api.url}/v1/videos/${id}/file`;
    expect((await range(url, 'bytes=0-99')).status).toBe(206);
    await bucket.deletePrefix(`${admin.orgId}/${id}/`);
    const res = await range(url, 'bytes=100-199');
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ code: 'not_found' });
  });

  it('a store that answers its GETs with 5xx answers 503 storage_unavailable with Retry-After', async () => {
    const id = await uploadVideo(api.url, admin.accessToken, file, 'store fails');
    mode = 'fail';
    try {
      const res = await range(`${faulty.url}/v1/videos/${id}/file`, 'bytes=0-99');
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('content-range')).toBeNull();
      expect(await problem(res)).toMatchObject({ code: 'storage_unavailable' });
    } finally {
      mode = 'pass';
    }
    const after = await range(`${faulty.url}/v1/videos/${id}/file`, 'bytes=0-99');
    expect(after.status).toBe(206);
    expect(Buffer.from(await after.arrayBuffer()).equals(clip.subarray(0, 100))).toBe(true);
  });

  it('a store that never answers its GETs answers 503 storage_unavailable, not a hang', async () => {
    const id = await uploadVideo(api.url, admin.accessToken, file, 'store silent');
    mode = 'silent';
    try {
      const res = await range(`${faulty.url}/v1/videos/${id}/file`, 'bytes=0-99');
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await problem(res)).toMatchObject({ code: 'storage_unavailable' });
    } finally {
      mode = 'pass';
    }
  });
});
