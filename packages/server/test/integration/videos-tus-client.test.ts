// The official tus-js-client (Node build) against our tus server: creation-with-upload, an upload
// aborted mid-way and resumed by a new client instance through its URL storage, and PATCH sent as
// POST + X-HTTP-Method-Override. The stored file must be byte for byte what was sent.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import { Upload, type HttpRequest, type PreviousUpload, type UrlStorage } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

const CHUNK = 64 * 1024;
/** The Node build's file-backed URL storage (exported at run time, missing from the typings). */
const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (path: string) => UrlStorage };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('tus-js-client against /v1/uploads', () => {
  let t: VideoTestServer;
  let clip: Buffer;
  let dir: string;
  beforeAll(async () => {
    t = await startVideoTestServer({ maxUploadBytes: 64 * 1024 * 1024 });
    clip = await readFile(await makeClip({ width: 640, height: 360, seconds: 4 }));
    dir = await mkdtemp(join(tmpdir(), 'reelkit-tus-client-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Every request the client sent, as `METHOD` or `POST→PATCH` when overridden. */
  function recorder() {
    const sent: string[] = [];
    const onBeforeRequest = (req: HttpRequest) => {
      const override = req.getHeader('X-HTTP-Method-Override');
      sent.push(override ? `${req.getMethod()}→${override}` : req.getMethod());
    };
    return { sent, onBeforeRequest };
  }

  async function storedSource(videoId: string): Promise<Buffer> {
    const video = await t.Video.findById(videoId).lean();
    expect(video?.status).toBe('queued');
    expect(video?.source?.sha256).toBe(sha256(clip));
    return readFile(t.storage.localPath(video!.source!.key));
  }

  it('uploads with creation-with-upload, is aborted mid-way, and a new client resumes from its URL storage', async () => {
    const org = t.newOrg();
    const urlStorage = new FileUrlStorage(join(dir, 'urls.json'));
    const metadata = { filename: 'trip.mp4', title: 'Über den Wolken' };
    const first = recorder();
    let url = '';
    let createdOffset = '';
    await new Promise<void>((resolve, reject) => {
      const upload: Upload = new Upload(clip, {
        endpoint: `${t.url}/v1/uploads`,
        headers: t.as(org),
        metadata,
        chunkSize: CHUNK,
        uploadDataDuringCreation: true,
        urlStorage,
        storeFingerprintForResuming: true,
        retryDelays: null,
        onBeforeRequest: first.onBeforeRequest,
        onAfterResponse: (req, res) => {
          if (req.getMethod() === 'POST') createdOffset = res.getHeader('Upload-Offset') ?? '';
        },
        onProgress: (sent) => {
          if (sent >= clip.length / 3 && sent < clip.length) {
            url = upload.url ?? '';
            upload.abort(false).then(resolve, reject); // keep the upload on the server
          }
        },
        onSuccess: () => reject(new Error('finished before the abort')),
        onError: reject,
      });
      upload.start();
    });
    expect(url).toMatch(/\/v1\/uploads\/[0-9a-f]{24}$/);
    expect(first.sent[0]).toBe('POST'); // creation, carrying the first chunk…
    expect(createdOffset).toBe(String(CHUNK)); // …which the server stored
    expect(first.sent[1]).toBe('PATCH'); // and the next chunk follows on from it

    // HEAD gives back Upload-Metadata exactly as the client sent it.
    const head = await fetch(url, { method: 'HEAD', headers: { ...t.as(org), 'tus-resumable': '1.0.0' } });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(clip.length);
    const echoed = Object.fromEntries(
      (head.headers.get('upload-metadata') ?? '').split(',').map((pair) => {
        const [k, v] = pair.trim().split(' ');
        return [k, Buffer.from(v ?? '', 'base64').toString('utf8')];
      }),
    );
    expect(echoed).toEqual(metadata);

    // A new client instance (a page reload) finds the upload through the URL storage.
    const second = recorder();
    let resumedFrom = -1;
    const videoId = await new Promise<string>((resolve, reject) => {
      const upload: Upload = new Upload(clip, {
        endpoint: `${t.url}/v1/uploads`,
        headers: t.as(org),
        metadata,
        chunkSize: CHUNK,
        urlStorage,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        retryDelays: null,
        onBeforeRequest: second.onBeforeRequest,
        onProgress: (sent) => {
          if (resumedFrom < 0) resumedFrom = sent;
        },
        onSuccess: () => resolve(upload.url!.split('/').pop()!),
        onError: reject,
      });
      upload
        .findPreviousUploads()
        .then((previous: PreviousUpload[]) => {
          expect(previous).toHaveLength(1);
          upload.resumeFromPreviousUpload(previous[0]!);
          upload.start();
        })
        .catch(reject);
    });
    expect(`${t.url}/v1/uploads/${videoId}`).toBe(url);
    expect(second.sent[0]).toBe('HEAD');
    expect(second.sent).not.toContain('POST');
    expect(resumedFrom).toBeGreaterThan(CHUNK - 1); // progress continued from the stored offset
    expect(sha256(await storedSource(videoId))).toBe(sha256(clip));
    expect(await urlStorage.findAllUploads()).toEqual([]);
    const video = await t.Video.findById(videoId).lean();
    expect(video?.title).toBe('Über den Wolken');
  });

  it('uploads with overridePatchMethod: every PATCH goes as POST + X-HTTP-Method-Override', async () => {
    const org = t.newOrg();
    const rec = recorder();
    const videoId = await new Promise<string>((resolve, reject) => {
      const upload: Upload = new Upload(clip, {
        endpoint: `${t.url}/v1/uploads`,
        headers: t.as(org),
        metadata: { filename: 'override.mp4' },
        chunkSize: CHUNK,
        overridePatchMethod: true,
        retryDelays: null,
        onBeforeRequest: rec.onBeforeRequest,
        onSuccess: () => resolve(upload.url!.split('/').pop()!),
        onError: reject,
      });
      upload.start();
    });
    expect(rec.sent[0]).toBe('POST');
    expect(rec.sent.slice(1).length).toBeGreaterThan(1);
    for (const m of rec.sent.slice(1)) expect(m).toBe('POST→PATCH');
    expect(sha256(await storedSource(videoId))).toBe(sha256(clip));
  });
});
