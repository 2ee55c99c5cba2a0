import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, type Storage } from '@reelkit/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchSource } from './fetch-source.js';
import { JOB_GARBAGE_BYTES, jobGarbage } from './job-garbage.js';

describe('fetchSource', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('copies a streamed object and frees its chunks every JOB_GARBAGE_BYTES, so a long source leaves no more RSS than a short one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelkit-fetch-'));
    dirs.push(dir);
    const bytes = randomBytes(2 * JOB_GARBAGE_BYTES + 1024 * 1024);
    await writeFile(join(dir, 'source'), bytes);
    const before = jobGarbage.collections;
    // A driver without the pooled read path (`openReader`) streams the object's chunks.
    const streamed = Object.create(new LocalStorage(dir), { openReader: { value: undefined } }) as Storage;
    await fetchSource(streamed, 'source', join(dir, 'copy'));
    expect((await readFile(join(dir, 'copy'))).equals(bytes)).toBe(true);
    expect(jobGarbage.collections - before).toBe(2);
  });
});
