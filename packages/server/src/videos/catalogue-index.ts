import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { createLock } from '../redis-lock.js';
import { SYNC_SCRIPT } from './catalogue-scripts.js';
import { summaryOf } from './catalogue-summary.js';
import { titleTokens } from './title-tokens.js';
import { toVideoJson, type VideoJson } from './video-json.js';
import type { Video, VideoModel, VideoStatus, Visibility } from './video-model.js';
import type { VideoWrite, VideoWriteIntent } from './video-writes.js';

export interface CatalogueIndexDeps {
  Video: VideoModel;
  redis: Redis;
  /** The deployment's REDIS_PREFIX: every key of the index lives below `<prefix>:cat:`. */
  prefix: string;
  logger: Logger;
}

export interface CataloguePageQuery {
  status?: VideoStatus | undefined;
  visibility?: Visibility | undefined;
  /** `searchTokens(q)`: each must start a title token. */
  search?: readonly string[] | undefined;
  /** Exclusive: ids below this one. */
  after?: Types.ObjectId | undefined;
  /** Ids wanted (the caller asks one more to know whether a next page exists). */
  count: number;
}

export interface RebuildReport {
  /** False when another process was rebuilding (nothing was done here). */
  ran: boolean;
  videos: number;
  /** Videos whose entry was missing or wrong (0 on a healthy index). */
  corrected: number;
  /** Entries of videos the database no longer has. */
  removed: number;
  ms: number;
}

type Mode = 'set' | 'rebuild' | 'delete' | 'drop';
const SYNC_COMMAND = 'reelkitCatalogueSync';
type SyncCommand<R = Promise<number>> = Record<typeof SYNC_COMMAND, (...args: readonly string[]) => R>;

/** How long a refresh waits for another one of the same video before giving up (then: dirty). */
const REFRESH_WAIT_MS = 30_000;
/** How long the rebuild lock lives without being renewed (each batch renews it). */
const BUILD_LOCK_MS = 60_000;
const BATCH = 500;

/**
 * The catalogue's secondary index in Redis — the only module that writes it. Per organisation:
 * sorted sets of video ids (every score 0, so members sort by id: an ObjectId's hex sorts as it
 * was created) for all videos, each status, each visibility and each status × visibility; a
 * sorted set per title token and the vocabulary of tokens; counters by status; a compact
 * summary per video; and each video's API JSON. A page is a `ZREVRANGEBYLEX` below the cursor
 * (O(log n + page)) then an `HMGET` of its JSON, one video an `HGET`, the stats an `HGETALL`, on
 * FerretDB and MongoDB alike: no database read, where FerretDB would read every document to
 * sort, count or aggregate, and the table up to the video to find one `_id`.
 *
 * The database stays the truth: the index is rebuilt from it when `<prefix>:cat:ready` is
 * missing (first start, Redis lost), and until then readers fall back to the database queries.
 * Every write of a video through the model calls `follow` (`onVideoWrite`, registered by the
 * video service) before the write resolves: `refresh` (or `remove`), which re-reads
 * the video under a per-video Redis lock and indexes what it read: the last refresh reads after
 * the last write, so the index ends where the database does whatever order writers from several
 * processes finish in (FerretDB's own updates are not atomic, and `updatedAt` comes from each
 * writer's clock, so neither can order them). A delete leaves a tombstone that a slower refresh
 * cannot undo; a rebuild's read never replaces an entry written after it began reading.
 */
export function createCatalogueIndex(deps: CatalogueIndexDeps) {
  const { Video, redis, logger } = deps;
  const root = `${deps.prefix}:cat:`;
  const readyKey = `${root}ready`;
  const orgsKey = `${root}orgs`;
  const buildKey = `${root}building`;
  /**
   * Videos the index may not show as written: `<org>:<id>` of a refresh that failed, and one
   * `:<id>:<intent>` per write under way (see `intend`). The maintainer refreshes them.
   */
  const dirtyKey = `${root}dirty`;
  const baseOf = (orgId: Types.ObjectId | string) => `${root}o:${String(orgId)}:`;
  const withLock = createLock(redis, deps.prefix, { waitMs: REFRESH_WAIT_MS });
  /** The document as the driver returns it (mongoose's `findById().lean()` is 3–10× slower on FerretDB). */
  const read = (id: string) =>
    Video.collection.findOne({ _id: new Types.ObjectId(id) }) as Promise<Video | null>;

  // EVALSHA (ioredis loads the script on NOSCRIPT): a rebuild runs it once per video.
  if (!(SYNC_COMMAND in redis)) redis.defineCommand(SYNC_COMMAND, { numberOfKeys: 0, lua: SYNC_SCRIPT });
  /** The script's arguments for a video as read from the database. */
  const entryArgs = (video: Video, mode: Mode, version: number) => {
    const org = video.orgId.toHexString();
    const id = video._id.toHexString();
    const summary = JSON.stringify(summaryOf(video));
    return [
      baseOf(org),
      orgsKey,
      org,
      id,
      mode,
      summary,
      String(version),
      JSON.stringify(toVideoJson(video)),
    ];
  };
  const goneArgs = (org: string, id: string, mode: 'delete' | 'drop', version: number) => [
    baseOf(org),
    orgsKey,
    org,
    id,
    mode,
    '',
    String(version),
    '',
  ];
  const run = (args: readonly string[]) => (redis as unknown as SyncCommand)[SYNC_COMMAND](...args);

  /**
   * A write the index could not follow (its lock stayed busy, Redis refused): the video is marked
   * dirty for the maintainer to refresh again (within `checkEveryMs`). When even that fails, the
   * whole index is made unready, so readers fall back to the database until a rebuild; a Redis
   * that restarted has lost the ready mark anyway. A hiccup costs speed, never correctness.
   */
  async function failed(err: unknown, org: string | undefined, videoId: string): Promise<void> {
    logger.warn({ err, videoId }, 'catalogue index: could not apply a change; will retry');
    try {
      if (!org) throw new Error('organisation unknown');
      await redis.sadd(dirtyKey, `${org}:${videoId}`);
    } catch {
      await redis.del(readyKey).catch(() => undefined);
    }
  }

  /** A video was deleted: unindex it for good (a slower `refresh` of it is ignored). */
  async function remove(orgId: Types.ObjectId, videoId: string): Promise<void> {
    try {
      await withLock(`cat:${videoId}`, () =>
        run(goneArgs(orgId.toHexString(), videoId, 'delete', Date.now())),
      );
    } catch (err) {
      await failed(err, orgId.toHexString(), videoId);
    }
  }

  /**
   * Indexes a video as the database has it now (summary and API JSON). Runs after every write of
   * the video (`follow`); re-reading under the video's lock orders concurrent writers.
   */
  async function refresh(orgId: Types.ObjectId | undefined, videoId: Types.ObjectId | string): Promise<void> {
    const id = String(videoId);
    let org = orgId?.toHexString();
    try {
      await withLock(`cat:${id}`, async () => {
        const readAt = Date.now();
        const video = await read(id);
        if (video) {
          org = video.orgId.toHexString();
          await run(entryArgs(video, 'set', readAt));
        } else if (org) await run(goneArgs(org, id, 'delete', readAt));
      });
    } catch (err) {
      await failed(err, org, id);
    }
  }

  /**
   * The dirty-set member of a write under way: `:<id>:<intent>`, without the organisation on purpose.
   * The maintainer may pop it while the write is still in flight — before a creation's insert lands —
   * and a refresh that knows the organisation and finds no document leaves a delete tombstone no
   * later refresh can undo (the new video would answer 404 for good). Without it, a missing document
   * is left alone: a crashed deletion keeps its entry until the whole reconciliation.
   */
  const intentMember = (w: { id: Types.ObjectId; intent: string }) => `:${w.id.toHexString()}:${w.intent}`;

  /**
   * The `before` listener of `onVideoWrite`: the video is marked dirty before its write is sent, and
   * `follow` clears the mark once the index has it. A process killed between the database's write
   * and its refresh (kill -9 during a result's application) leaves the mark, and the maintainer of
   * any instance refreshes that video within `checkEveryMs` — without it the index would show the
   * video as it was (say `processing`) until the next whole reconciliation, hours later. A mark
   * that cannot be written leaves the index unready (readers use the database until a rebuild).
   */
  async function intend(write: VideoWriteIntent): Promise<void> {
    try {
      await redis.sadd(dirtyKey, intentMember(write));
    } catch (err) {
      logger.warn({ err, videoId: write.id.toHexString() }, 'catalogue index: could not mark a write');
      await redis.del(readyKey).catch(() => undefined);
    }
  }

  /** The listener of `onVideoWrite`: every write of a video through the model lands here. */
  async function follow(write: VideoWrite): Promise<void> {
    if (!write.unchanged)
      await (write.deleted && write.orgId
        ? remove(write.orgId, write.id.toHexString())
        : refresh(write.orgId, write.id));
    // A refresh that failed marked the video dirty on its own (`failed`).
    if (write.intent)
      await redis.srem(dirtyKey, intentMember({ ...write, intent: write.intent })).catch(() => undefined);
  }

  /** Refreshes the videos whose refresh failed (the maintainer calls it); returns how many. */
  async function refreshDirty(): Promise<number> {
    let done = 0;
    for (;;) {
      const batch = await redis.spop(dirtyKey, 100);
      if (batch.length === 0) return done;
      for (const entry of batch) {
        // `<org>:<id>` (a refresh that failed) or `:<id>:<intent>` (a write's mark).
        const [org = '', id] = entry.split(':');
        if (id && /^[0-9a-f]{24}$/.test(id))
          await refresh(/^[0-9a-f]{24}$/.test(org) ? new Types.ObjectId(org) : undefined, id);
      }
      done += batch.length;
    }
  }

  const isReady = async () => (await redis.exists(readyKey)) === 1;

  /**
   * Ids of one page, newest first, or null while the index is not ready. A search intersects,
   * for each token, the union of the token sets it prefixes (found in the vocabulary) with the
   * filter's set, in temporary keys removed in the same transaction.
   */
  async function page(orgId: Types.ObjectId, q: CataloguePageQuery): Promise<string[] | null> {
    const base = baseOf(orgId);
    const filter =
      q.status && q.visibility
        ? `${base}sv:${q.status}:${q.visibility}`
        : q.status
          ? `${base}s:${q.status}`
          : q.visibility
            ? `${base}v:${q.visibility}`
            : `${base}all`;
    const max = q.after ? `(${q.after.toHexString()}` : '+';
    const search = q.search ?? [];
    const first = redis.pipeline().exists(readyKey);
    for (const token of search) {
      first.zrangebylex(
        `${base}voc`,
        `[${token}`,
        Buffer.concat([Buffer.from(`[${token}`), Buffer.from([0xff])]),
      );
    }
    const answers = (await first.exec()) ?? [];
    const [readyErr, ready] = answers[0] ?? [];
    if (readyErr) throw readyErr;
    if (ready !== 1) return null;
    if (search.length === 0) return redis.zrevrangebylex(filter, max, '-', 'LIMIT', 0, q.count);

    const expansions = answers.slice(1).map(([err, tokens]) => {
      if (err) throw err;
      return tokens as string[];
    });
    if (expansions.some((tokens) => tokens.length === 0)) return [];
    const tmp = `${base}tmp:${randomUUID()}:`;
    const temps: string[] = [];
    const tx = redis.multi();
    const sets = expansions.map((tokens, i) => {
      if (tokens.length === 1) return `${base}t:${tokens[0]}`;
      const key = `${tmp}${i}`;
      temps.push(key);
      tx.zunionstore(key, tokens.length, ...tokens.map((t) => `${base}t:${t}`));
      return key;
    });
    if (filter !== `${base}all` || sets.length > 1) {
      const key = `${tmp}hits`;
      temps.push(key);
      tx.zinterstore(key, sets.length + 1, filter, ...sets);
      tx.zrevrangebylex(key, max, '-', 'LIMIT', 0, q.count);
    } else {
      tx.zrevrangebylex(sets[0]!, max, '-', 'LIMIT', 0, q.count);
    }
    if (temps.length > 0) tx.del(...temps);
    const results = (await tx.exec()) ?? [];
    const at = results.length - (temps.length > 0 ? 2 : 1);
    const [err, ids] = results[at] ?? [];
    if (err) throw err;
    return ids as string[];
  }

  /**
   * How many of an organisation's videos have a status, not counting `except`; null while the
   * index is not ready.
   */
  async function countStatus(
    orgId: Types.ObjectId,
    status: VideoStatus,
    except?: string,
  ): Promise<number | null> {
    const key = `${baseOf(orgId)}s:${status}`;
    const answers =
      (await redis
        .pipeline()
        .exists(readyKey)
        .zcard(key)
        .zscore(key, except ?? '')
        .exec()) ?? [];
    for (const [err] of answers) if (err) throw err;
    if (answers[0]?.[1] !== 1) return null;
    return (answers[1]?.[1] as number) - (answers[2]?.[1] === null ? 0 : 1);
  }

  /** The counters hash of an organisation, or null while the index is not ready. */
  async function counters(orgId: Types.ObjectId): Promise<Record<string, string> | null> {
    const answers =
      (await redis
        .pipeline()
        .exists(readyKey)
        .hgetall(`${baseOf(orgId)}stats`)
        .exec()) ?? [];
    for (const [err] of answers) if (err) throw err;
    return answers[0]?.[1] === 1 ? (answers[1]?.[1] as Record<string, string>) : null;
  }

  /**
   * The API JSON of a page's ids, in their order, or null while the index is not ready. An id
   * deleted since the page was read is left out.
   */
  async function items(orgId: Types.ObjectId, ids: readonly string[]): Promise<VideoJson[] | null> {
    if (ids.length === 0) return [];
    const answers =
      (await redis
        .pipeline()
        .exists(readyKey)
        .hmget(`${baseOf(orgId)}json`, ...ids)
        .exec()) ?? [];
    for (const [err] of answers) if (err) throw err;
    if (answers[0]?.[1] !== 1) return null;
    const found = answers[1]?.[1] as Array<string | null>;
    return found.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as VideoJson);
  }

  /**
   * One video of an organisation as the API returns it: `undefined` when the organisation has no
   * such video, null while the index is not ready (ask the database).
   */
  async function one(orgId: Types.ObjectId, id: string): Promise<VideoJson | undefined | null> {
    const answers =
      (await redis
        .pipeline()
        .exists(readyKey)
        .hget(`${baseOf(orgId)}json`, id)
        .exec()) ?? [];
    for (const [err] of answers) if (err) throw err;
    if (answers[0]?.[1] !== 1) return null;
    const json = answers[1]?.[1] as string | null;
    return json === null ? undefined : (JSON.parse(json) as VideoJson);
  }

  /**
   * Streams every video (of one organisation, or all) from the database into the index, then
   * drops what the database no longer has; with every organisation, marks the index ready. Runs
   * in one process at a time (a Redis lock renewed per batch); writes that happen meanwhile go
   * through `follow` as usual and win over the stream's older reads by their version. Also stores
   * `titleTokens` on videos written before the field existed.
   */
  async function rebuild(options: { orgId?: Types.ObjectId } = {}): Promise<RebuildReport> {
    const started = Date.now();
    const owner = randomUUID();
    const report: RebuildReport = { ran: false, videos: 0, corrected: 0, removed: 0, ms: 0 };
    if ((await redis.set(buildKey, owner, 'PX', BUILD_LOCK_MS, 'NX')) !== 'OK') return report;
    report.ran = true;
    // Entries changed from here on are newer than anything the stream reads.
    const since = Date.now();
    const seen = new Map<string, Set<string>>();
    try {
      const cursor = Video.collection.find(options.orgId ? { orgId: options.orgId } : {}, {
        batchSize: BATCH,
      });
      let batch: Video[] = [];
      // No document of the next batch was read before this (a lower bound of their read time).
      let readAt = Date.now();
      const flush = async () => {
        const tx = redis.pipeline();
        for (const video of batch) {
          const org = video.orgId.toHexString();
          const id = video._id.toHexString();
          let ids = seen.get(org);
          if (!ids) seen.set(org, (ids = new Set()));
          ids.add(id);
          (tx as unknown as SyncCommand<unknown>)[SYNC_COMMAND](...entryArgs(video, 'rebuild', readAt));
        }
        tx.pexpire(buildKey, BUILD_LOCK_MS);
        for (const [err, result] of (await tx.exec()) ?? []) {
          if (err) throw err;
          if (result === 2) report.corrected++;
        }
        const stale = batch.filter((v) => !sameTokens(v.titleTokens, titleTokens(v.title)));
        // Straight to the collection: a backfill is not an edit (updatedAt stays).
        for (const v of stale)
          await Video.collection.updateOne({ _id: v._id }, { $set: { titleTokens: titleTokens(v.title) } });
        report.videos += batch.length;
        batch = [];
        readAt = Date.now();
      };
      for await (const video of cursor as unknown as AsyncIterable<Video>) {
        batch.push(video);
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length > 0) await flush();

      const orgs = options.orgId ? [options.orgId.toHexString()] : await redis.smembers(orgsKey);
      for (const org of orgs) report.removed += await dropMissing(org, seen.get(org) ?? new Set(), since);
      if (!options.orgId) await redis.set(readyKey, new Date().toISOString());
    } finally {
      await redis
        .eval(
          `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end`,
          1,
          buildKey,
          owner,
        )
        .catch(() => undefined);
    }
    report.ms = Date.now() - started;
    return report;
  }

  /** Drops an organisation's entries the stream did not see (and old tombstones). */
  async function dropMissing(org: string, seen: Set<string>, since: number): Promise<number> {
    const base = baseOf(org);
    let removed = 0;
    let cursor = '0';
    do {
      const [next, fields] = await redis.hscan(`${base}doc`, cursor, 'COUNT', 1000);
      cursor = next;
      const gone: string[] = [];
      for (let i = 0; i < fields.length; i += 2) if (!seen.has(fields[i]!)) gone.push(fields[i]!);
      if (gone.length === 0) continue;
      const tx = redis.pipeline();
      for (const id of gone)
        (tx as unknown as SyncCommand<unknown>)[SYNC_COMMAND](...goneArgs(org, id, 'drop', since));
      for (const [err, result] of (await tx.exec()) ?? []) {
        if (err) throw err;
        if (result === 2) removed++;
      }
    } while (cursor !== '0');
    if (seen.size === 0 && (await redis.hlen(`${base}doc`)) === 0) await redis.srem(orgsKey, org);
    return removed;
  }

  return {
    follow,
    intend,
    refresh,
    refreshDirty,
    remove,
    page,
    items,
    one,
    counters,
    countStatus,
    rebuild,
    isReady,
    /** Makes the index unready (readers fall back to the database until the next rebuild). */
    invalidate: async () => {
      await redis.del(readyKey);
    },
  };
}

function sameTokens(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return !!a && a.length === b.length && a.every((t, i) => t === b[i]);
}

export type CatalogueIndex = ReturnType<typeof createCatalogueIndex>;
