// The upload half of the range benchmarks: a large source the sniffer accepts, one multipart
// upload of it, and the server's RSS sampled meanwhile.
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

/**
 * One multipart `POST /v1/videos` of `file` to a bench server on `port` (whose routes need no
 * credentials), sampling the server's RSS every 20 ms: the new id, seconds taken, RSS before and peak.
 */
export async function uploadMultipart(port: number, file: string, size: number, pid: number) {
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const baseline = rssMiB(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  const started = performance.now();
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/videos',
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + tail.length),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          res.statusCode === 201 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.write(head);
    const rs = createReadStream(file, { highWaterMark: MiB });
    rs.pipe(req, { end: false });
    rs.on('end', () => req.end(tail));
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, rssMiB(pid));
  return { id: (JSON.parse(body) as { id: string }).id, seconds, baseline, peak };
}
