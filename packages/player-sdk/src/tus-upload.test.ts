// The client's unit tests run against a minimal in-test tus 1.0 server (creation + core), not the
// Reelkit API: it lets a test cut a connection in the middle of a PATCH deterministically.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReelkitClient } from './client.js';
import { encodeUploadMetadata, tusUpload, videoIdOf, type UploadUrlStore } from './tus-upload.js';

interface Upload {
  length: number;
  data: Buffer[];
  offset: number;
  metadata: string;
}

let server: Server;
let base = '';
const uploads = new Map<string, Upload>();
const log: string[] = [];
/** When set, the next PATCH stores this many bytes, then the connection is cut. */
let cutAfter: number | undefined;
let failNextWith: number | undefined;
let nextId = 0;

function readBody(req: IncomingMessage, upload: Upload, limit: number | undefined): Promise<number> {
  return new Promise((resolve) => {
    let got = 0;
    req.on('data', (chunk: Buffer) => {
      const take = limit === undefined ? chunk.length : Math.min(chunk.length, limit - got);
      if (take > 0) upload.data.push(chunk.subarray(0, take));
      got += take;
      if (limit !== undefined && got >= limit) {
        upload.offset += got;
        req.socket.destroy();
        resolve(-1);
      }
    });
    req.on('end', () => resolve(got));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      log.push(`${req.method} ${req.url} ${req.headers['upload-offset'] ?? ''}`.trim());
      res.setHeader('Tus-Resumable', '1.0.0');
      if (req.headers['tus-resumable'] !== '1.0.0') return void res.writeHead(412).end();
      if (req.headers.authorization !== 'Bearer secret') {
        res.writeHead(401, { 'content-type': 'application/problem+json' });
        return void res.end(
          JSON.stringify({ type: 'about:blank', title: 'x', status: 401, code: 'unauthenticated' }),
        );
      }
      if (failNextWith) {
        const status = failNextWith;
        failNextWith = undefined;
        return void res.writeHead(status).end();
      }
      if (req.method === 'POST' && req.url === '/v1/uploads') {
        const id = `vid${++nextId}`;
        uploads.set(id, {
          length: Number(req.headers['upload-length']),
          data: [],
          offset: 0,
          metadata: String(req.headers['upload-metadata'] ?? ''),
        });
        return void res.writeHead(201, { Location: `/v1/uploads/${id}`, 'Upload-Offset': '0' }).end();
      }
      const upload = uploads.get(req.url!.split('/').pop()!);
      if (!upload) return void res.writeHead(404).end();
      if (req.method === 'HEAD') {
        return void res
          .writeHead(200, { 'Upload-Offset': String(upload.offset), 'Upload-Length': String(upload.length) })
          .end();
      }
      if (req.method === 'PATCH') {
        if (Number(req.headers['upload-offset']) !== upload.offset) {
          res.writeHead(409, { 'content-type': 'application/problem+json' });
          return void res.end(
            JSON.stringify({ type: 'about:blank', title: 'x', status: 409, code: 'upload_offset_mismatch' }),
          );
        }
        const limit = cutAfter;
        cutAfter = undefined;
        const got = await readBody(req, upload, limit);
        if (got < 0) return;
        upload.offset += got;
        const headers: Record<string, string> = { 'Upload-Offset': String(upload.offset) };
        if (upload.offset === upload.length)
          headers['Reelkit-Video-Id'] = `final-${req.url!.split('/').pop()}`;
        return void res.writeHead(204, headers).end();
      }
      res.writeHead(405).end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  log.length = 0;
  cutAfter = undefined;
  failNextWith = undefined;
});

const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));
const http = () => ({ apiBase: base, credential: 'secret' });
const stored = (id: string) => Buffer.concat(uploads.get(id)!.data);

describe('tusUpload', () => {
  it('uploads a Buffer in chunks, reporting progress, and reads the video id from Reelkit-Video-Id', async () => {
    const data = bytes(25_000);
    const progress: number[] = [];
    const result = await tusUpload(http(), data, {
      chunkSize: 10_000,
      title: 'Café ☕',
      onProgress: (p) => progress.push(p.bytesUploaded),
    });
    expect(result.videoId).toMatch(/^final-vid\d+$/);
    const id = result.uploadUrl.split('/').pop()!;
    expect(stored(id).equals(data)).toBe(true);
    // The server's offset after each chunk, with bytes-on-the-wire reports in between.
    expect(progress.filter((b) => b % 10_000 === 0 || b === 25_000)).toEqual([0, 10_000, 20_000, 25_000]);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(uploads.get(id)!.metadata).toBe(encodeUploadMetadata({ title: 'Café ☕' }));
    expect(Buffer.from(uploads.get(id)!.metadata.split(' ')[1]!, 'base64').toString()).toBe('Café ☕');
  });

  it('resumes from the server offset after the connection is cut mid-chunk', async () => {
    const data = bytes(30_000);
    cutAfter = 4_000; // the first PATCH dies after 4 000 bytes reached the server
    const result = await tusUpload(http(), data, { chunkSize: 16_000, retryDelays: [10, 10] });
    const id = result.uploadUrl.split('/').pop()!;
    expect(stored(id).equals(data)).toBe(true);
    const patches = log.filter((l) => l.startsWith('PATCH')).map((l) => l.split(' ')[2]);
    expect(patches).toEqual(['0', '4000', '20000']);
    expect(log.some((l) => l.startsWith('HEAD'))).toBe(true);
  });

  it('retries a 503 and resumes an interrupted upload of the same file on the next call', async () => {
    const store = new Map<string, string>();
    const urlStore: UploadUrlStore = {
      get: (k) => store.get(k),
      set: (k, v) => void store.set(k, v),
      remove: (k) => void store.delete(k),
    };
    const file = new File([bytes(20_000)], 'clip.mp4', { type: 'video/mp4', lastModified: 1 });
    const controller = new AbortController();
    await expect(
      tusUpload(http(), file, {
        chunkSize: 5_000,
        urlStore,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytesUploaded >= 10_000) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(store.size).toBe(1);
    failNextWith = 503;
    const result = await tusUpload(http(), file, { chunkSize: 5_000, urlStore, retryDelays: [10] });
    expect(stored(result.uploadUrl.split('/').pop()!).equals(bytes(20_000))).toBe(true);
    const resumedAt = log.filter((l) => l.startsWith('PATCH')).map((l) => l.split(' ')[2]);
    expect(resumedAt[resumedAt.length - 2]).toBe('10000');
    expect(store.size).toBe(0);
  });

  it('reports progress by bytes while a chunk is sent (Node: a counted stream body), not by chunk steps', async () => {
    const data = bytes(3 * 1024 * 1024);
    const chunkSize = 1024 * 1024;
    const progress: Array<{ bytes: number; videoId: string }> = [];
    const result = await tusUpload(http(), data, {
      chunkSize,
      onProgress: (p) => progress.push({ bytes: p.bytesUploaded, videoId: p.videoId }),
    });
    expect(stored(result.uploadUrl.split('/').pop()!).equals(data)).toBe(true);
    const within = progress.filter((p) => p.bytes % chunkSize !== 0);
    // 64 KiB pieces: 15 reports inside each 1 MiB chunk.
    expect(within.length).toBeGreaterThanOrEqual(3 * 15);
    for (const c of [0, 1, 2])
      expect(within.some((p) => p.bytes > c * chunkSize && p.bytes < (c + 1) * chunkSize)).toBe(true);
    expect(progress.map((p) => p.bytes)).toEqual(progress.map((p) => p.bytes).sort((a, b) => a - b));
    expect(progress.at(-1)!.bytes).toBe(data.length);
    expect(progress.at(-1)!.videoId).toBe(result.videoId);
  });

  it('gives up with the API error code when the request is refused', async () => {
    await expect(tusUpload({ apiBase: base, credential: 'wrong' }, bytes(10))).rejects.toMatchObject({
      code: 'unauthenticated',
      status: 401,
    });
  });
});

describe('videos.upload', () => {
  it('uploads a Blob and fetches the new video by the id the server answered', async () => {
    const requests: string[] = [];
    const client = new ReelkitClient({
      apiBase: base,
      token: () => 'secret',
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        const url = String(input);
        requests.push(`${init?.method ?? 'GET'} ${url.replace(base, '')}`);
        if (url.includes('/v1/videos/')) return Response.json({ id: url.split('/').pop(), status: 'queued' });
        return fetch(input, init);
      }) as typeof fetch,
    });
    const video = await client.videos.upload(new Blob([bytes(1000)]), { title: 'x' });
    expect(video.id).toMatch(/^final-vid/);
    expect(requests.at(-1)).toBe(`GET /v1/videos/${video.id}`);
  });
});

describe('videoIdOf', () => {
  it('prefers the Reelkit-Video-Id header, else the upload URL', () => {
    expect(videoIdOf('https://x/v1/uploads/abc', 'def')).toBe('def');
    expect(videoIdOf('https://x/v1/uploads/abc', null)).toBe('abc');
    expect(videoIdOf('/v1/uploads/abc/', undefined)).toBe('abc');
  });
});
