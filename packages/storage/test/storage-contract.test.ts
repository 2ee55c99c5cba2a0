// The behaviour every Storage driver owes its callers, run against each: a local folder and a real
// S3 store (the test SeaweedFS). No mocks: what passes here passes against the real thing.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/redis-server.js';
import { stackEnv } from '../../../test/support/stack-env.js';
import { LocalStorage, S3Storage, StorageUnavailableError, type Storage } from '../src/index.js';
import { S3ObjectGet } from '../src/s3-object-get.js';

const MiB = 1024 * 1024;

function s3(options: Partial<ConstructorParameters<typeof S3Storage>[0]> = {}): S3Storage {
  const env = stackEnv();
  return new S3Storage({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    prefix: `${env.S3_PREFIX}contract/`,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    ...options,
  });
}

const localRoot = await mkdtemp(join(tmpdir(), 'reelkit-contract-'));
const drivers: Array<[name: string, storage: Storage]> = [
  ['local folder', new LocalStorage(localRoot)],
  ['S3 (SeaweedFS)', s3()],
];
afterAll(async () => {
  await rm(localRoot, { recursive: true, force: true });
  for (const [, storage] of drivers) if (storage instanceof S3Storage) storage.destroy();
});

/** `total` bytes in 1 MiB chunks of a known pattern (byte i is i mod 251), produced on demand. */
function patterned(total: number, onChunk?: (sent: number) => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(MiB, total - sent);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i) % 251;
      sent += n;
      onChunk?.(sent);
      this.push(chunk);
    },
  });
}

const expectPattern = (bytes: Buffer, from: number) => {
  for (let i = 0; i < bytes.length; i += 4099) expect(bytes[i]).toBe((from + i) % 251);
};

describe.each(drivers)('Storage contract: %s', (_name, storage) => {
  it('writes a stream, then reads it whole and by inclusive range, and stats it', async () => {
    const before = Date.now();
    const { size } = await storage.write(
      'o1/v1/source',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    expect(size).toBe(11);
    expect(await text(storage.read('o1/v1/source'))).toBe('hello world');
    expect(await text(storage.read('o1/v1/source', { start: 6, end: 10 }))).toBe('world');
    expect(await text(storage.read('o1/v1/source', { start: 0, end: 0 }))).toBe('h');
    const stat = await storage.stat('o1/v1/source');
    expect(stat).toMatchObject({ key: 'o1/v1/source', size: 11 });
    // Stores keep whole seconds.
    expect(stat!.mtime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(await storage.stat('o1/v1/missing')).toBeNull();
  });

  it('a read of a missing object fails with ENOENT', async () => {
    await expect(buffer(storage.read('o1/none/source'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replacing an object is seen by stat and read at once', async () => {
    await storage.write('o1/v9/poster.jpg', Readable.from(['old']));
    expect((await storage.stat('o1/v9/poster.jpg'))?.size).toBe(3);
    await storage.write('o1/v9/poster.jpg', Readable.from(['newer']));
    expect((await storage.stat('o1/v9/poster.jpg'))?.size).toBe(5);
    expect(await text(storage.read('o1/v9/poster.jpg'))).toBe('newer');
  });

  it('lists every key below a prefix, sorted, and the prefixes one level down', async () => {
    await storage.write('o2/v1/hls/720p/seg_00002.m4s', Readable.from(['b']));
    await storage.write('o2/v1/hls/720p/seg_00001.m4s', Readable.from(['a']));
    await storage.write('o2/v1/source', Readable.from(['s']));
    await storage.write('o2/v2/source', Readable.from(['s']));
    await storage.write('o3/v3/source', Readable.from(['s']));
    expect(await storage.list('o2/v1/')).toEqual([
      'o2/v1/hls/720p/seg_00001.m4s',
      'o2/v1/hls/720p/seg_00002.m4s',
      'o2/v1/source',
    ]);
    expect(await storage.list('o2/missing/')).toEqual([]);
    expect(await storage.listPrefixes('')).toEqual(expect.arrayContaining(['o2/', 'o3/']));
    expect(await storage.listPrefixes('o2/')).toEqual(['o2/v1/', 'o2/v2/']);
    expect(await storage.listPrefixes('o2/v1/')).toEqual(['o2/v1/hls/']);
    expect(await storage.listPrefixes('o2/v2/')).toEqual([]);
    await expect(storage.listPrefixes('o2')).rejects.toThrow(/ends with/);
    await expect(storage.list('../')).rejects.toThrow(/invalid storage key/);
  });

  it('deletes everything below a prefix, and only that', async () => {
    await storage.write('o4/v1/hls/master.m3u8', Readable.from(['#EXTM3U\n']));
    await storage.write('o4/v1/source', Readable.from(['s']));
    await storage.write('o4/v10/source', Readable.from(['kept']));
    await storage.deletePrefix('o4/v1');
    expect(await storage.list('o4/')).toEqual(['o4/v10/source']);
    expect(await storage.stat('o4/v1/source')).toBeNull();
    expect(await storage.listPrefixes('o4/')).toEqual(['o4/v10/']);
    await storage.deletePrefix('o4/v1/'); // already gone: fine
    // A key without `/` names an object too, and only it.
    await storage.write('o4/v10/poster.jpg', Readable.from(['p']));
    await storage.write('o4/v10/poster.jpg.old', Readable.from(['kept']));
    await storage.deletePrefix('o4/v10/poster.jpg');
    expect(await storage.list('o4/v10/')).toEqual(['o4/v10/poster.jpg.old', 'o4/v10/source']);
    await storage.deletePrefix('o4/');
    expect(await storage.list('o4/')).toEqual([]);
  });

  it('deletes more objects than one batch holds', async () => {
    const keys = Array.from({ length: 1010 }, (_, i) => `o5/v1/hls/seg_${String(i).padStart(5, '0')}.m4s`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k) => storage.write(k, Readable.from(['x']))));
    expect(await storage.list('o5/v1/')).toHaveLength(1010);
    await storage.deletePrefix('o5/v1/');
    expect(await storage.list('o5/')).toEqual([]);
    // 1010 PUTs: 18 s on a quiet machine, over 60 s on the shared one at a load average of 35.
  }, 240_000);

  it('an aborted write leaves no object, and the previous one whole', async () => {
    await storage.write('o6/v1/source', Readable.from(['previous']));
    const controller = new AbortController();
    // More than one multipart part, aborted once 12 MiB were produced.
    const body = patterned(64 * MiB, (sent) => {
      if (sent >= 12 * MiB) controller.abort(new Error('upload cancelled'));
    });
    await expect(storage.write('o6/v1/source', body, { signal: controller.signal })).rejects.toThrow();
    expect(await text(storage.read('o6/v1/source'))).toBe('previous');
    expect(await storage.list('o6/')).toEqual(['o6/v1/source']);
  });

  it('a body that fails midway leaves no object', async () => {
    let sent = 0;
    const failing = new Readable({
      read() {
        sent += MiB;
        if (sent > 10 * MiB) this.destroy(new Error('connection reset'));
        else this.push(Buffer.alloc(MiB, 1));
      },
    });
    await expect(storage.write('o7/v1/source', failing)).rejects.toThrow('connection reset');
    expect(await storage.stat('o7/v1/source')).toBeNull();
    expect(await storage.list('o7/')).toEqual([]);
  });

  it('writes 256 MiB without holding more than a few parts of it in memory', async () => {
    const total = 256 * MiB;
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
    }, 10);
    try {
      const { size } = await storage.write('o8/v1/source', patterned(total));
      expect(size).toBe(total);
    } finally {
      clearInterval(sampler);
    }
    // Buffered whole it would be 256 MiB; a driver that streams holds its parts and what the
    // garbage collector has not reclaimed yet.
    expect(peak).toBeLessThan(96 * MiB);
    expect((await storage.stat('o8/v1/source'))?.size).toBe(total);
    const from = total - 3 * MiB - 17;
    const tail = await buffer(storage.read('o8/v1/source', { start: from, end: total - 1 }));
    expect(tail.length).toBe(total - from);
    expectPattern(tail, from);
    await storage.deletePrefix('o8/');
  }, 180_000);
});

describe('S3 reads (signed GETs without the SDK)', () => {
  it('the store checks their signature: a wrong secret is refused, and is not an outage', async () => {
    const good = s3();
    const wrong = s3({
      credentials: { accessKeyId: stackEnv().S3_ACCESS_KEY_ID, secretAccessKey: 'not-the-secret' },
    });
    try {
      await good.write('o7/v1/source', Readable.from(['signed bytes']));
      expect(await text(good.read('o7/v1/source', { start: 7, end: 11 }))).toBe('bytes');
      const err = await buffer(wrong.read('o7/v1/source')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ name: 'S3ResponseError', statusCode: 403 });
      expect(err).not.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await good.deletePrefix('o7/');
      good.destroy();
      wrong.destroy();
    }
  });

  it('serves a range to a writable and stops the download when the writable closes early', async () => {
    const store = s3();
    try {
      await store.write('o7/v2/source', patterned(8 * MiB));
      const reader = (await store.openReader('o7/v2/source'))!;
      expect(reader.size).toBe(8 * MiB);
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(Buffer.from(chunk)); // a copy, as a socket's kernel buffer would have
          done();
        },
      });
      await reader.send({ start: MiB + 3, end: 3 * MiB + 2 }, sink);
      const got = Buffer.concat(chunks);
      expect(got.length).toBe(2 * MiB);
      expectPattern(got, MiB + 3);

      // A client that goes away after the first chunk: send resolves, nothing hangs.
      const reader2 = (await store.openReader('o7/v2/source'))!;
      const leaving = new Writable({
        highWaterMark: 1,
        write(_chunk, _enc, done) {
          this.destroy();
          done();
        },
      });
      await reader2.send({ start: 0, end: 8 * MiB - 1 }, leaving);
      expect(leaving.destroyed).toBe(true);
    } finally {
      await store.deletePrefix('o7/');
      store.destroy();
    }
  });
});

describe('S3 serving GETs (presigned once per object)', () => {
  it('reuse one signature per object for its run of ranges; one the store refuses is dropped', async () => {
    const env = stackEnv();
    const store = s3();
    const getter = (secretAccessKey: string, calls: { n: number }) =>
      new S3ObjectGet({
        bucket: env.S3_BUCKET,
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
        credentials: () => {
          calls.n++;
          return Promise.resolve({ accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey });
        },
        maxAttempts: 1,
        connectionTimeoutMs: 2_000,
        socketTimeoutMs: 10_000,
        isOutage: () => false,
      });
    const good = { n: 0 };
    const bad = { n: 0 };
    const right = getter(env.S3_SECRET_ACCESS_KEY, good);
    const wrong = getter('not-the-secret', bad);
    const objectKey = `${store.prefix}o8/v1/source`;
    const signal = new AbortController().signal;
    try {
      await store.write('o8/v1/source', patterned(2 * MiB));
      for (const [start, end] of [
        [0, 99],
        [MiB - 7, MiB + 4096],
        [2 * MiB - 1, 2 * MiB - 1],
      ] as const) {
        const body = await right.open(objectKey, { start, end }, signal);
        const chunks: Buffer[] = [];
        await body.pipeTo(
          new Writable({
            write(chunk: Buffer, _enc, done) {
              chunks.push(Buffer.from(chunk));
              done();
            },
          }),
        );
        const got = Buffer.concat(chunks);
        expect(got.length).toBe(end - start + 1);
        expectPattern(got, start);
        expect(body.total).toBe(2 * MiB);
      }
      expect(good.n).toBe(1);
      for (let i = 1; i <= 2; i++) {
        await expect(wrong.open(objectKey, { start: 0, end: 9 }, signal)).rejects.toMatchObject({
          statusCode: 403,
        });
        expect(bad.n).toBe(i);
      }
    } finally {
      right.destroy();
      wrong.destroy();
      await store.deletePrefix('o8/');
      store.destroy();
    }
  });
});

describe('S3 storage when the store is down', () => {
  const hanging: Socket[] = [];
  let silent: Server | undefined;
  afterAll(() => {
    for (const s of hanging) s.destroy();
    silent?.close();
  });

  it('a closed port fails every operation with storage_unavailable, quickly', async () => {
    const store = s3({ endpoint: `http://127.0.0.1:${await freePort()}`, maxAttempts: 2 });
    try {
      const started = Date.now();
      for (const op of [
        () => store.stat('o1/v1/source'),
        () => store.list('o1/'),
        () => store.listPrefixes(''),
        () => store.deletePrefix('o1/'),
        () => store.write('o1/v1/source', Readable.from(['x'])),
        () => buffer(store.read('o1/v1/source')),
      ]) {
        const err = await op().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(StorageUnavailableError);
        expect(err).toMatchObject({ code: 'storage_unavailable' });
      }
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      store.destroy();
    }
  });

  it('a store that accepts but never answers fails with storage_unavailable, not a hang', async () => {
    silent = createServer((socket) => hanging.push(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const store = s3({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1, socketTimeoutMs: 500 });
    try {
      await expect(store.stat('o1/v1/source')).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(buffer(store.read('o1/v1/source'))).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      store.destroy();
    }
  });
});
