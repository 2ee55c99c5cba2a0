import { LocalStorage } from '@reelkit/storage';
import { Types } from 'mongoose';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveMultipart } from './upload-multipart.js';

const MiB = 1024 * 1024;

/** An MP4 head the sniffer accepts, then `size` bytes of a repeating pattern. */
function mp4Bytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) out.writeUInt32BE(i >>> 2, i);
  Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isomiso2')]).copy(out);
  return out;
}

/** A CommonJS client: streams a file as one multipart part; prints the answer, exits 1 unless 200. */
const MULTIPART_CLIENT = `
const http = require('node:http');
const fs = require('node:fs');
const [port, path] = process.argv.slice(1);
const boundary = 'reelkitboundary';
const head = Buffer.from('--' + boundary + '\\r\\nContent-Disposition: form-data; name="file"; filename="a.mp4"\\r\\nContent-Type: video/mp4\\r\\n\\r\\n');
const tail = Buffer.from('\\r\\n--' + boundary + '--\\r\\n');
const req = http.request({ host: '127.0.0.1', port, method: 'POST', headers: {
  'content-type': 'multipart/form-data; boundary=' + boundary,
  'content-length': head.length + fs.statSync(path).size + tail.length,
} }, (res) => {
  let text = '';
  res.on('data', (d) => (text += d));
  res.on('end', () => { process.stdout.write(text); process.exitCode = res.statusCode === 200 ? 0 : 1; });
});
req.on('error', (err) => { console.error(err); process.exitCode = 1; });
req.write(head);
const rs = fs.createReadStream(path, { highWaterMark: 1024 * 1024 });
rs.pipe(req, { end: false });
rs.on('end', () => req.end(tail));
`;

/**
 * Local storage that samples the bytes queued in front of it during a write. (It only polls: a
 * 'data' listener would start the stream flowing before storage reads it.)
 */
class WatchedStorage extends LocalStorage {
  maxQueued = 0;

  override async write(key: string, body: Readable, options?: { signal?: AbortSignal }) {
    // The upload path hands storage a Transform (the inspector): count both of its sides.
    const duplex = body as Readable & { writableLength?: number };
    const sample = () =>
      (this.maxQueued = Math.max(this.maxQueued, duplex.readableLength + (duplex.writableLength ?? 0)));
    const timer = setInterval(sample, 2);
    try {
      return await super.write(key, body, options);
    } finally {
      clearInterval(timer);
    }
  }
}

describe('receiveMultipart', () => {
  let dir: string;
  let server: Server;
  let storage: WatchedStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelkit-multipart-'));
    storage = new WatchedStorage(dir);
  });
  afterEach(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the request paused while the disk is behind the client, so memory does not grow with the file', async () => {
    const orgId = new Types.ObjectId();
    const videoId = new Types.ObjectId();
    server = createServer((req, res) => {
      receiveMultipart(req, { storage, orgId, videoId, maxBytes: 1024 * MiB }).then(
        (r) => res.end(JSON.stringify({ size: r.size, sha256: r.sha256 })),
        (err: Error) => {
          res.statusCode = 500;
          res.end(err.message);
        },
      );
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };

    // The client is another process streaming from disk as fast as the socket takes it, as a
    // real one would: in this process it would share the event loop and pace the server.
    const file = mp4Bytes(256 * MiB);
    const source = join(dir, 'upload.mp4');
    await writeFile(source, file);
    const client = spawn(process.execPath, ['-e', MULTIPART_CLIENT, String(port), source], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let answer = '';
    client.stdout.setEncoding('utf8').on('data', (d: string) => (answer += d));
    const [code] = (await once(client, 'exit')) as [number];
    expect(code, answer).toBe(0);

    const { size } = JSON.parse(answer) as { size: number };
    expect(size).toBe(file.length);
    const stored = await readFile(join(dir, orgId.toHexString(), videoId.toHexString(), 'source'));
    expect(stored.equals(file)).toBe(true);
    // Stream buffers (1 MiB on each side of the inspector) plus a few chunks in flight; a parser
    // that resumes the request on each write callback lets tens of MiB queue here.
    expect(storage.maxQueued).toBeLessThan(4 * MiB);
  });
});
