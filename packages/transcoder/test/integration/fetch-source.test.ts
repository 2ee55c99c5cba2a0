// The worker's source fetch on both drivers (a local folder and the test SeaweedFS): byte-exact
// through the pooled read path, and every way it can go wrong ends in a rejection, never in a short
// scratch file taken for the whole source.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalStorage, type Storage } from '@reelkit/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { s3StackEnv, s3TestStorage } from '../../../../test/support/stack-env.js';
import { fetchSource } from '../../src/fetch-source.js';

const work = await mkdtemp(join(tmpdir(), 'reelkit-fetch-source-'));
const s3 = s3TestStorage(s3StackEnv('fetch-source').S3_PREFIX!);
const drivers: Array<[string, Storage]> = [
  ['local folder', new LocalStorage(join(work, 'storage'))],
  ['S3 (SeaweedFS)', s3],
];
afterAll(async () => {
  await s3.deletePrefix('o1/').catch(() => undefined);
  s3.destroy();
  await rm(work, { recursive: true, force: true });
});

describe.each(drivers)('fetchSource: %s', (name, storage) => {
  const dir = join(work, name.replace(/\W+/g, '-'));

  it('copies the object byte-exact into the scratch file, empty ones too', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 17);
    await storage.write('o1/v1/source', Readable.from([bytes]));
    await storage.write('o1/v2/source', Readable.from([Buffer.alloc(0)]));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await fetchSource(storage, 'o1/v1/source', join(dir, 'a'));
    expect((await readFile(join(dir, 'a'))).equals(bytes)).toBe(true);
    await fetchSource(storage, 'o1/v2/source', join(dir, 'b'));
    expect((await readFile(join(dir, 'b'))).length).toBe(0);
  });

  it('rejects a missing object with ENOENT, a missing scratch folder, and an abort', async () => {
    await expect(fetchSource(storage, 'o1/none/source', join(dir, 'c'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await expect(fetchSource(storage, 'o1/v1/source', join(work, 'no-such-dir', 'd'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const abort = new AbortController();
    const fetching = fetchSource(storage, 'o1/v1/source', join(dir, 'e'), abort.signal);
    abort.abort(new Error('job cancelled'));
    await expect(fetching).rejects.toThrow('job cancelled');
  });
});
