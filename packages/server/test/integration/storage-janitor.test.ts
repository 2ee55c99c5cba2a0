import { Types } from 'mongoose';
import { Readable } from 'node:stream';
import { LocalStorage } from '@reelkit/storage';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createStorageJanitor } from '../../src/videos/index.js';
import { startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

const HOUR = 3_600_000;
/** An id made `msAgo` (createFromTime zeroes the rest: keep the times of one test distinct). */
const idFrom = (msAgo: number) => Types.ObjectId.createFromTime(Math.floor((Date.now() - msAgo) / 1000));

describe('storage janitor', () => {
  let t: VideoTestServer;
  beforeAll(async () => {
    t = await startVideoTestServer();
  });
  afterAll(() => t.close());

  it('removes old video folders no document owns, and nothing else', async () => {
    // A storage folder of this test's own: a server process of another test file runs its own
    // janitor over the run's folder, with another database.
    const root = await mkdtemp(join(tmpdir(), 'reelkit-janitor-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const storage = new LocalStorage(root);
    const org = t.newOrg();
    const put = (key: string) => storage.write(key, Readable.from([Buffer.from('bytes')]));
    // A multipart upload cut by a crash, three days ago: a temp file and no document.
    const crashed = idFrom(72 * HOUR).toHexString();
    await put(`${org}/${crashed}/source.1a2b3c.part`);
    // Renditions written for a video deleted meanwhile, three days after its upload began.
    const deleted = idFrom(73 * HOUR).toHexString();
    await put(`${org}/${deleted}/hls/720p/seg-00000.m4s`);
    // An upload streaming right now: no document yet, but young.
    const streaming = idFrom(60_000).toHexString();
    await put(`${org}/${streaming}/source.9f8e7d.part`);
    // An old video with its document.
    const kept = idFrom(74 * HOUR);
    await put(`${org}/${kept.toHexString()}/source`);
    await t.Video.collection.insertOne({
      _id: kept,
      orgId: new Types.ObjectId(org),
      title: 'kept',
      status: 'ready',
    });
    // Folders that are not video ids are not the janitor's business.
    await put(`${org}/not-a-video/file`);

    const janitor = createStorageJanitor({
      Video: t.Video,
      storage,
      logger: createLogger({ level: 'silent', name: 'janitor-test' }),
    });
    expect(await janitor.run()).toBe(2);
    // Folders, not files: `list` leaves out temp `.part` files.
    const left = (await storage.listPrefixes(`${org}/`)).map((p) => p.split('/')[1]);
    expect(left).not.toContain(crashed);
    expect(left).not.toContain(deleted);
    expect(left).toContain(streaming);
    expect(left).toContain(kept.toHexString());
    expect(left).toContain('not-a-video');
    await janitor.close();
  });
});
