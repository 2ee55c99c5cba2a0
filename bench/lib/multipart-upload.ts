// The upload half of the range benchmarks: a large source the sniffer accepts, one multipart or
// tus upload of it, and the server's RSS sampled meanwhile.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { request } from 'node:http';

const MiB = 1024 * 1024;

/** The resident set of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = spawnSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' }).stdout;
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** A file the sniffer accepts (an `ftyp` box) followed by random bytes. */
export async function makeSource(path: string, mib: number): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(path);
  const ftyp = Buffer.from([
    0,
    0,
    0,
    0x18,
    ...Buffer.from('ftypisom'),
    0,
    0,
    2,
    0,
    ...Buffer.from('isomiso2'),
  ]);
  out.write(ftyp);
  const block = randomBytes(MiB);
  for (let i = 0; i < mib; i++)
    if (!out.write(i === mib - 1 ? block.subarray(ftyp.length) : block)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** The answer to one request whose body is `head`, the file's bytes, then `tail`. */
function sendFile(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: { head?: Buffer; file?: string; tail?: Buffer },
): Promise<{ status: number; location: string | undefined; offset: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          offset: res.headers['upload-offset'] as string | undefined,
          text,
        }),
      );
    });
    req.on('error', reject);
    if (body.head) req.write(body.head);
    if (!body.file) return void req.end(body.tail);
    const rs = createReadStream(body.file, { highWaterMark: MiB });
    rs.pipe(req, { end: false });
    rs.on('end', () => req.end(body.tail));
    // A server that answers before the body is sent (an error) closes the connection: stop sending,
    // so its answer is what the caller sees, not the EPIPE of the next write.
    req.once('response', () => {
      rs.unpipe(req);
      rs.destroy();
    });
    req.on('socket', (socket) => socket.on('error', () => undefined));
  });
}

/** Runs `upload` while sampling the RSS of `pid` every 20 ms: seconds taken, RSS before and peak. */
async function sampled<T>(pid: number, upload: () => Promise<T>) {
  const baseline = rssMiB(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  const started = performance.now();
  try {
    const result = await upload();
    const seconds = (performance.now() - started) / 1000;
    return { result, seconds, baseline, peak: Math.max(peak, rssMiB(pid)) };
  } finally {
    clearInterval(sampler);
  }
}

/** One multipart `POST /v1/videos` of `file` to a bench server on `port` (routes need no credentials): the new id. */
export async function postMultipart(port: number, file: string, size: number): Promise<string> {
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const res = await sendFile(
    port,
    'POST',
    '/v1/videos',
    {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    },
    { head, file, tail },
  );
  if (res.status !== 201) throw new Error(`multipart: ${res.status} ${res.text}`);
  return (JSON.parse(res.text) as { id: string }).id;
}

/**
 * {@link postMultipart}, sampling the server's RSS every 20 ms: the new id, seconds taken, RSS before
 * and peak.
 */
export async function uploadMultipart(port: number, file: string, size: number, pid: number) {
  const { result: id, ...measured } = await sampled(pid, () => postMultipart(port, file, size));
  return { id, ...measured };
}

/**
 * One tus upload of `file` as a client with the default `chunkSize: Infinity` sends it: create, then
 * one PATCH of every byte (the server then assembles `source`).
 */
export async function putTus(port: number, file: string, size: number): Promise<void> {
  const tus = { 'tus-resumable': '1.0.0' };
  const created = await sendFile(
    port,
    'POST',
    '/v1/uploads',
    {
      ...tus,
      'upload-length': String(size),
      'upload-metadata': `filename ${Buffer.from('bench.mp4').toString('base64')}`,
    },
    {},
  );
  if (created.status !== 201 || !created.location)
    throw new Error(`tus create: ${created.status} ${created.text}`);
  const patched = await sendFile(
    port,
    'PATCH',
    new URL(created.location, 'http://127.0.0.1').pathname,
    {
      ...tus,
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
      'content-length': String(size),
    },
    { file },
  );
  if (patched.status !== 204 || patched.offset !== String(size))
    throw new Error(`tus PATCH: ${patched.status} ${patched.text}`);
}

/** {@link putTus}, sampling the server's RSS every 20 ms from the create to the PATCH's answer. */
export async function uploadTus(port: number, file: string, size: number, pid: number) {
  const { result: _, ...measured } = await sampled(pid, () => putTus(port, file, size));
  return measured;
}
