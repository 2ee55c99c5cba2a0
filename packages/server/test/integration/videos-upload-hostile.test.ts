// Hostile multipart bodies: each is refused within a second with a 4xx and a code, and none leaves
// a descriptor open or a file behind. The server runs in this process, so `/proc/self/fd` is its
// descriptor table.
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

const MAX = 4 * 1024 * 1024;
const ROUNDS = 200;
const BOUNDARY = 'hostileboundary7';

/** An MP4 head the sniffer accepts, then `size` bytes of a repeating pattern. */
function mp4Bytes(size: number): Buffer {
  const out = Buffer.alloc(size, 0x2a);
  Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isomiso2')]).copy(out);
  return out;
}

function filePart(name: string, body: Buffer, filename = 'a.mp4', type?: string): Buffer {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n` +
    (type ? `Content-Type: ${type}\r\n` : '') +
    '\r\n';
  return Buffer.concat([Buffer.from(head), body, Buffer.from('\r\n')]);
}

function textPart(name: string, value: string): Buffer {
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
}

const end = Buffer.from(`--${BOUNDARY}--\r\n`);

async function openDescriptors(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

interface Answer {
  status: number;
  body: { code?: string };
  ms: number;
}

describe('POST /v1/videos with hostile multipart bodies', () => {
  let t: VideoTestServer;
  let url: URL;
  beforeAll(async () => {
    t = await startVideoTestServer({ maxUploadBytes: MAX });
    url = new URL(`${t.url}/v1/videos`);
  });
  afterAll(() => t.close());

  /** Sends `body` (all of it, unless the server answers first) on a connection of its own. */
  function post(org: string, body: Buffer, path = url.pathname): Promise<Answer> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          agent: false,
          headers: {
            ...t.as(org),
            'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
            'content-length': String(body.length),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(text) as Answer['body'],
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      // The server may answer and close before it has read the whole body: that is the point.
      req.on('error', (err) => (req.writableFinished ? undefined : reject(err)));
      req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
      req.end(body);
    });
  }

  const shapes: Record<string, { body: () => Buffer; status: number; code: string }> = {
    'two file parts': {
      body: () =>
        Buffer.concat([
          filePart('file', mp4Bytes(8 * 1024), 'a.mp4', 'video/mp4'),
          filePart('file', mp4Bytes(8 * 1024), 'b.mp4', 'video/mp4'),
          end,
        ]),
      status: 400,
      code: 'validation_failed',
    },
    'a file part followed by more text fields than allowed': {
      body: () =>
        Buffer.concat([
          filePart('file', mp4Bytes(8 * 1024), 'a.mp4', 'video/mp4'),
          ...Array.from({ length: 40 }, (_, i) => textPart(`f${i}`, 'x')),
          end,
        ]),
      status: 400,
      code: 'validation_failed',
    },
    'a ~45 KB first text part': {
      body: () =>
        Buffer.concat([
          textPart('description', 'd'.repeat(45 * 1024)),
          filePart('file', mp4Bytes(8 * 1024), 'a.mp4', 'video/mp4'),
          end,
        ]),
      status: 400,
      code: 'validation_failed',
    },
    'a ~45 KB first file part under another name': {
      body: () =>
        Buffer.concat([
          filePart('attachment', mp4Bytes(45 * 1024), 'x.mp4', 'video/mp4'),
          filePart('file', mp4Bytes(8 * 1024), 'a.mp4', 'video/mp4'),
          end,
        ]),
      status: 400,
      code: 'validation_failed',
    },
    'a body that ends in the middle of the file': {
      body: () => filePart('file', mp4Bytes(45 * 1024), 'a.mp4', 'video/mp4'),
      status: 400,
      code: 'validation_failed',
    },
  };

  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: ${shape.status} ${shape.code} within a second, ${ROUNDS} times, nothing left open or on disk`, async () => {
      const org = t.newOrg();
      await post(org, shape.body()); // warm up (lazy pools, first-use allocations)
      const before = await openDescriptors();
      let slowest = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const answer = await post(org, shape.body());
        expect(answer.status, JSON.stringify(answer.body)).toBe(shape.status);
        expect(answer.body.code).toBe(shape.code);
        slowest = Math.max(slowest, answer.ms);
      }
      expect(slowest).toBeLessThan(1000);
      await eventually(async () => {
        expect(await t.filesOf(org)).toEqual([]);
        // A few descriptors of slack for pool connections that come and go; a leak is ROUNDS.
        expect(await openDescriptors()).toBeLessThanOrEqual(before + 5);
      });
      expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
    });
  }

  const vtt = (size: number) =>
    Buffer.from(`WEBVTT\n\n00:00.000 --> 00:01.000\n${'a'.repeat(Math.max(0, size - 40))}\n`);
  const captionShapes: Record<string, { body: () => Buffer; status: number; code: string }> = {
    'two caption files': {
      body: () =>
        Buffer.concat([
          textPart('language', 'en'),
          filePart('file', vtt(200), 'a.vtt', 'text/vtt'),
          filePart('file', vtt(200), 'b.vtt', 'text/vtt'),
          end,
        ]),
      status: 400,
      code: 'validation_failed',
    },
    'no file part': {
      body: () => Buffer.concat([textPart('language', 'en'), end]),
      status: 400,
      code: 'validation_failed',
    },
    'a caption file over the limit': {
      body: () =>
        Buffer.concat([textPart('language', 'en'), filePart('file', vtt(1100 * 1024), 'a.vtt'), end]),
      status: 413,
      code: 'upload_too_large',
    },
    'a caption body that ends in the middle of the file': {
      body: () => Buffer.concat([textPart('language', 'en'), filePart('file', vtt(8 * 1024), 'a.vtt')]),
      status: 400,
      code: 'validation_failed',
    },
  };

  for (const [name, shape] of Object.entries(captionShapes)) {
    it(`POST …/captions, ${name}: ${shape.status} ${shape.code}, 50 times, no caption kept, nothing left open`, async () => {
      const org = t.newOrg();
      const created = await post(
        org,
        Buffer.concat([filePart('file', mp4Bytes(8 * 1024), 'a.mp4', 'video/mp4'), end]),
      );
      expect(created.status).toBe(201);
      const videoId = (created.body as { id: string }).id;
      const path = `/v1/videos/${videoId}/captions`;
      await post(org, shape.body(), path); // warm up
      const before = await openDescriptors();
      for (let i = 0; i < 50; i++) {
        const answer = await post(org, shape.body(), path);
        expect(answer.status, JSON.stringify(answer.body)).toBe(shape.status);
        expect(answer.body.code).toBe(shape.code);
      }
      await eventually(async () => expect(await openDescriptors()).toBeLessThanOrEqual(before + 5));
      expect((await t.Video.findById(videoId).lean())?.captions ?? []).toEqual([]);
    });
  }

  it(`bodies cut by the client mid-file, ${ROUNDS} times: every partial file is removed at once, no descriptor stays open`, async () => {
    const org = t.newOrg();
    const head = filePart('file', Buffer.alloc(0), 'a.mp4', 'video/mp4').subarray(0, -2);
    const cutOnce = async () => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: {
          ...t.as(org),
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'content-length': String(head.length + MAX),
        },
      });
      req.on('error', () => undefined);
      req.write(head);
      req.write(mp4Bytes(64 * 1024));
      // Cut once the server has started writing the file.
      await eventually(async () => expect((await t.filesOf(org)).length).toBeGreaterThan(0), 10_000, 5);
      req.destroy();
      await eventually(async () => expect(await t.filesOf(org)).toEqual([]), 1000, 5);
    };
    await cutOnce();
    const before = await openDescriptors();
    for (let i = 0; i < ROUNDS; i++) await cutOnce();
    await eventually(async () => expect(await openDescriptors()).toBeLessThanOrEqual(before + 5));
    expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
  });
});
