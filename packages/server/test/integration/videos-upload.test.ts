import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { basename } from 'node:path';
import { TRANSCODE_JOBS, TRANSCODE_JOB_OPTIONS } from '@reelkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { eventually, startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

const MAX = 2 * 1024 * 1024;

/** Python `requests` is how many backends upload; CI must have it (a silent skip proves nothing). */
const hasPythonRequests = spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0;
if (!hasPythonRequests && process.env.CI === 'true') {
  throw new Error(
    'CI needs python3 with `requests` for the upload client test (apt-get install python3-requests)',
  );
}

/** `requests.post(url, files={'file': f}, data=fields)`, its default multipart; prints status and body. */
const PYTHON_UPLOAD = `
import json, sys, requests
url, path, headers, fields = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
with open(path, 'rb') as f:
    r = requests.post(url, files={'file': f}, data=fields, headers=headers)
print(r.status_code)
print(r.text)
`;

function form(file: Buffer, name: string, fields: Record<string, string> = {}, type = 'video/mp4'): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('file', new Blob([new Uint8Array(file)], { type }), name);
  return f;
}

describe('POST /v1/videos (multipart upload)', () => {
  let t: VideoTestServer;
  let clip: Buffer;
  beforeAll(async () => {
    t = await startVideoTestServer({ maxUploadBytes: MAX });
    clip = await readFile(await makeClip({ width: 160, height: 90, seconds: 1 }));
  });
  afterAll(() => t.close());

  async function nothingLeft(org: string) {
    await eventually(async () => {
      expect(await t.filesOf(org)).toEqual([]);
      expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
    });
  }

  it('stores the file under a server-made key, answers 201 queued and enqueues exactly one job', async () => {
    const org = t.newOrg();
    const res = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: t.as(org),
      body: form(clip, '../../etc/My holiday.mp4', { description: 'sea' }),
    });
    expect(res.status).toBe(201);
    const video = (await res.json()) as Record<string, unknown> & {
      id: string;
      source: Record<string, unknown>;
    };
    expect(video).toMatchObject({
      title: 'My holiday',
      description: 'sea',
      visibility: 'private',
      status: 'queued',
      source: {
        size: clip.length,
        sha256: createHash('sha256').update(clip).digest('hex'),
        mimeType: 'video/mp4',
      },
    });
    expect(video).not.toHaveProperty('_id');
    expect(JSON.stringify(video)).not.toContain(`${org}/`); // no storage keys
    expect(res.headers.get('location')).toBe(`/v1/videos/${video.id}`);

    const stored = await readFile(t.storage.localPath(`${org}/${video.id}/source`));
    expect(stored.equals(clip)).toBe(true);
    expect(await t.filesOf(org)).toHaveLength(1);

    const jobs = await t.jobsOf(video.id);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.id).toBe(video.id);
    expect(job.name).toBe(TRANSCODE_JOBS.transcode);
    expect(job.data).toEqual({
      orgId: org,
      videoId: video.id,
      sourceKey: `${org}/${video.id}/source`,
      originalName: 'My holiday.mp4',
    });
    expect(job.opts.attempts).toBe(TRANSCODE_JOB_OPTIONS.attempts);
    expect(job.opts.backoff).toEqual(TRANSCODE_JOB_OPTIONS.backoff);
  });

  it('takes a file part with a filename and no Content-Type as the file (RFC 7578 §4.2, §4.4)', async () => {
    const org = t.newOrg();
    const boundary = 'noContentTypeBoundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBare part\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\n\r\n`,
      ),
      clip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: { ...t.as(org), 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({
      title: 'Bare part',
      source: { size: clip.length, sha256: createHash('sha256').update(clip).digest('hex') },
    });
  });

  it.skipIf(!hasPythonRequests)(
    'takes an upload from Python `requests` with its default multipart',
    async () => {
      const org = t.newOrg();
      const path = await makeClip({ width: 160, height: 90, seconds: 1 });
      const child = spawn(
        'python3',
        [
          '-c',
          PYTHON_UPLOAD,
          `${t.url}/v1/videos`,
          path,
          JSON.stringify(t.as(org)),
          JSON.stringify({ title: 'From Python' }),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(0);
      const [status, ...rest] = out.split('\n');
      expect(status, out).toBe('201');
      const video = JSON.parse(rest.join('\n')) as { id: string };
      expect(video).toMatchObject({
        title: 'From Python',
        source: {
          size: clip.length,
          sha256: createHash('sha256').update(clip).digest('hex'),
          originalName: basename(path),
        },
      });
      expect(await t.jobsOf(video.id)).toHaveLength(1);
    },
  );

  it('refuses an HTML page named .mp4 with 415 and keeps nothing', async () => {
    const org = t.newOrg();
    const html = Buffer.from('<!DOCTYPE html><html><body>' + 'x'.repeat(5000) + '</body></html>');
    const res = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: t.as(org),
      body: form(html, 'clip.mp4'),
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'upload_type_rejected' });
    await nothingLeft(org);
  });

  it('refuses a file over MAX_UPLOAD_BYTES with 413 and keeps nothing', async () => {
    const org = t.newOrg();
    const big = Buffer.concat([clip, Buffer.alloc(MAX + 1 - clip.length, 7)]);
    const res = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: t.as(org),
      body: form(big, 'big.mp4'),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'upload_too_large' });
    await nothingLeft(org);
  });

  it('keeps nothing when the client cuts the connection mid-body', async () => {
    const org = t.newOrg();
    const boundary = 'reelkitboundary42';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const url = new URL(`${t.url}/v1/videos`);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        ...t.as(org),
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + MAX),
      },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(clip.subarray(0, 64 * 1024));
    // Wait until the server has stored some of it, then cut.
    await eventually(async () => expect((await t.filesOf(org)).length).toBeGreaterThan(0));
    req.destroy();
    await nothingLeft(org);
  });

  it('rejects unknown or invalid fields with 400 and keeps nothing', async () => {
    const org = t.newOrg();
    for (const fields of <Array<Record<string, string>>>[
      { status: 'ready' },
      { title: 'x'.repeat(201) },
      { description: 'd'.repeat(5001) },
      { visibility: 'everyone' },
    ]) {
      const res = await fetch(`${t.url}/v1/videos`, {
        method: 'POST',
        headers: t.as(org),
        body: form(clip, 'a.mp4', fields),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'validation_failed' });
    }
    await nothingLeft(org);
  });

  it('names a part sent without a name in its 400 (found by schemathesis)', async () => {
    const org = t.newOrg();
    const boundary = 'unnamedPartBoundary';
    const res = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: { ...t.as(org), 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name=""\r\n\r\nx\r\n--${boundary}--\r\n`,
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; detail: string; errors: unknown[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: '(unnamed part)', message: 'unknown field' }]);
    expect(problem.detail).not.toContain('undefined');
    await nothingLeft(org);
  });

  it('needs an editor, and a multipart body', async () => {
    const org = t.newOrg();
    const asViewer = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: t.as(org, 'viewer'),
      body: form(clip, 'a.mp4'),
    });
    expect(asViewer.status).toBe(403);
    const json = await fetch(`${t.url}/v1/videos`, {
      method: 'POST',
      headers: { ...t.as(org), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const noFile = new FormData();
    noFile.append('title', 'no file');
    const missing = await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(org), body: noFile });
    expect(missing.status).toBe(400);
    await nothingLeft(org);
  });
});
