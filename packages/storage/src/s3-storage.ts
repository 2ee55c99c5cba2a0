import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BufferPool } from './buffer-pool.js';
import { READ_HIGH_WATER_MARK } from './local-storage.js';
import { writeMultipart } from './s3-multipart-write.js';
import { S3ObjectGet, S3ResponseError } from './s3-object-get.js';
import {
  StorageObjectChangedError,
  StorageObjectNotFoundError,
  StorageUnavailableError,
} from './storage-errors.js';
import { assertStorageKey } from './storage-key.js';
import type { ByteRange, ObjectReader, PresignedGet, Storage, StoredObject } from './storage.js';

export interface S3StorageOptions {
  bucket: string;
  /** The S3 API's URL for a non-AWS store (SeaweedFS, MinIO, R2…); unset for AWS. */
  endpoint?: string | undefined;
  /** @defaultValue `'us-east-1'` */
  region?: string | undefined;
  /** Put before every key (`''` or segments ending in `/`), so deployments can share a bucket. */
  prefix?: string | undefined;
  /** Static credentials; unset uses the AWS SDK's default chain (env, profile, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** `http://host/bucket/key` rather than `http://bucket.host/key` (most self-hosted stores). */
  forcePathStyle?: boolean | undefined;
  /** Attempts per request, first included (the SDK's standard retry with backoff). @defaultValue 3 */
  maxAttempts?: number;
  /** Connecting to the store longer than this fails the attempt. @defaultValue 3000 */
  connectionTimeoutMs?: number;
  /** A socket silent for this long (a hung store) fails the attempt. @defaultValue 30000 */
  socketTimeoutMs?: number;
  /** How long `stat` answers from memory (like the local driver's descriptor reuse). @defaultValue 1000 */
  statCacheMs?: number;
  /** Multipart part size in bytes (≥ 5 MiB); a write holds about `partSize × (queueSize + 1)`. @defaultValue 8 MiB */
  partSize?: number;
  /** Parts uploaded at once per write. @defaultValue 2 */
  queueSize?: number;
  /**
   * Objects smaller than a part go as one `PUT` signed by the driver; `false` sends them through
   * the SDK's `PutObject` instead (for comparing, as `bench:publish-s3` does). @defaultValue true
   */
  signedPut?: boolean;
}

/**
 * Node's codes for a store that cannot be reached, and EPROTO: an answer the read path cannot read
 * (no length, an endless head) is the store's or its proxy's failure, not the request's.
 */
const NETWORK_CODES = new Set([
  'EPROTO',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function httpStatus(err: unknown): number | undefined {
  if (err instanceof S3ResponseError) return err.statusCode;
  return (err as SdkError).$metadata?.httpStatusCode;
}

/** An error that means the store is down or overloaded, not that the request was wrong. */
function isOutage(err: unknown): boolean {
  const e = err as SdkError;
  const status = httpStatus(err);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return (
    e.name === 'TimeoutError' ||
    e.name === 'RequestTimeout' ||
    (e.code !== undefined && NETWORK_CODES.has(e.code))
  );
}

const isNotFound = (err: unknown) =>
  httpStatus(err) === 404 || (err as SdkError).name === 'NotFound' || (err as SdkError).name === 'NoSuchKey';

/**
 * Storage in an S3-compatible bucket. Writes are multipart uploads of bounded memory that appear
 * whole or not at all (S3 shows an object only once its upload completes); reads are ranged GETs
 * streamed with backpressure; every error that means "the store is unreachable" becomes a
 * {@link StorageUnavailableError} after the SDK's retries.
 */
export class S3Storage implements Storage {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  /** GETs (reads, ranges served) bypass the SDK's middleware: see s3-object-get.ts. */
  private readonly getter: S3ObjectGet;
  private readonly statCacheMs: number;
  private readonly partSize: number;
  private readonly queueSize: number;
  /** Part buffers shared by every write of this driver (idle ones kept: one write's worth). */
  private readonly parts: BufferPool;
  private readonly stats = new Map<string, { at: number; value: Promise<StoredObject | null> }>();
  private readonly signedPut: boolean;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    if (this.prefix !== '') assertStorageKey(this.prefix, { prefix: true });
    if (this.prefix !== '' && !this.prefix.endsWith('/'))
      throw new Error(`an S3 prefix ends with "/": ${this.prefix}`);
    this.statCacheMs = options.statCacheMs ?? 1_000;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.queueSize = options.queueSize ?? 2;
    this.signedPut = options.signedPut ?? true;
    if (this.partSize < 5 * 1024 * 1024) throw new Error('an S3 part is at least 5 MiB');
    this.parts = new BufferPool(this.partSize, this.queueSize + 1);
    const region = options.region ?? 'us-east-1';
    const forcePathStyle = options.forcePathStyle ?? false;
    const maxAttempts = options.maxAttempts ?? 3;
    const connectionTimeoutMs = options.connectionTimeoutMs ?? 3_000;
    const socketTimeoutMs = options.socketTimeoutMs ?? 30_000;
    this.client = new S3Client({
      region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      forcePathStyle,
      maxAttempts,
      // Only what S3 itself requires: checksums on every PUT cost CPU and some stores reject them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // No `Expect: 100-continue` on part uploads: the SDK sends those on a new, unpooled socket each.
      expectContinueHeader: false,
      requestHandler: {
        connectionTimeout: connectionTimeoutMs,
        socketTimeout: socketTimeoutMs,
        httpAgent: { keepAlive: true, maxSockets: 64 },
        httpsAgent: { keepAlive: true, maxSockets: 64 },
      },
    });
    this.getter = new S3ObjectGet({
      bucket: this.bucket,
      endpoint: options.endpoint,
      region,
      forcePathStyle,
      // The SDK's resolved provider: static keys, or its default chain, memoized and refreshed.
      credentials: () => this.client.config.credentials(),
      maxAttempts,
      connectionTimeoutMs,
      socketTimeoutMs,
      isOutage,
    });
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.client.destroy();
    this.getter.destroy();
  }

  localPath(): null {
    return null;
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return this.prefix + key;
  }

  private fail(operation: string, err: unknown): Error {
    if (isOutage(err)) return new StorageUnavailableError(operation, { cause: err });
    return err instanceof Error ? err : new Error(String(err));
  }

  async write(
    key: string,
    body: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ size: number }> {
    const objectKey = this.objectKey(key);
    const { signal } = options;
    signal?.throwIfAborted();
    // A body waiting for bytes notices the abort too.
    const onAbort = () => body.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const size = await writeMultipart(this.client, { Bucket: this.bucket, Key: objectKey }, body, {
        partSize: this.partSize,
        queueSize: this.queueSize,
        pool: this.parts,
        signal,
        // Publishing is mostly objects smaller than a part: one signed PUT each, without the SDK.
        putWhole: this.signedPut
          ? (whole, putSignal) => this.getter.put(objectKey, whole, putSignal)
          : undefined,
      });
      return { size };
    } catch (err) {
      body.destroy();
      if (signal?.aborted) throw signal.reason;
      throw this.fail('write', err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.stats.delete(key);
    }
  }

  read(key: string, range?: ByteRange): Readable {
    this.objectKey(key);
    const out = new PassThrough({ highWaterMark: READ_HIGH_WATER_MARK });
    const abort = new AbortController();
    // A reader that goes away stops the download.
    out.once('close', () => abort.abort());
    const fetchBody = async () => {
      let body;
      try {
        body = await this.getter.get(this.objectKey(key), range, abort.signal);
      } catch (err) {
        throw isNotFound(err) ? new StorageObjectNotFoundError(key) : this.fail('read', err);
      }
      // pipeline pauses the download while `out` is full: backpressure down to the socket.
      await pipeline(body, out).catch((err: unknown) => {
        throw this.fail('read', err);
      });
    };
    fetchBody().catch((err: unknown) => {
      if (!out.destroyed) out.destroy(err as Error);
    });
    return out;
  }

  /**
   * Serving: size and date from `stat` (cached for `statCacheMs`, so a player's run of range
   * requests costs one HEAD a second, not one each), then one ranged GET per `send`, its body read
   * into pooled buffers and written to the response with backpressure (pooled-http-get.ts). A store
   * that fails before the first byte leaves `out` untouched, so the server can still answer 503 or
   * 404 instead of a cut connection; an object that changed since its cached `stat` (the store
   * refused the range with 416, or answered another length or total) is stat'ed afresh and reported
   * as a {@link StorageObjectChangedError}, `out` untouched too.
   */
  async openReader(key: string): Promise<ObjectReader | null> {
    const found = await this.stat(key);
    if (!found) return null;
    return {
      size: found.size,
      mtime: found.mtime,
      send: (range, out) => this.sendRange(key, found.size, range, out),
      release: () => undefined,
    };
  }

  private async sendRange(key: string, size: number, range: ByteRange, out: Writable): Promise<void> {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    out.once('close', onClose);
    let body;
    try {
      body = await this.getter.open(this.objectKey(key), range, abort.signal);
    } catch (err) {
      if (abort.signal.aborted) return; // the client went away first
      if (isNotFound(err)) {
        this.stats.delete(key);
        throw new StorageObjectNotFoundError(key);
      }
      // The range was satisfiable for the size the reader was opened with: the object shrank since.
      if (httpStatus(err) === 416) throw await this.changed(key);
      throw this.fail('read', err);
    } finally {
      out.off('close', onClose);
    }
    const expected = range.end - range.start + 1;
    if (body.length !== expected || (body.total !== undefined && body.total !== size)) {
      // Rewritten since its size was read: the response is about to promise `expected` bytes of a
      // `size`-byte object. Nothing is sent; the caller answers again for what it is now.
      body.discard();
      throw await this.changed(key);
    }
    // Backpressure down to the store: reading pauses while the client's socket is full.
    await body.pipeTo(out).catch((err: unknown) => {
      throw this.fail('read', err);
    });
  }

  /** What a read that found `key` changed throws, after one fresh `stat` (which the cache keeps). */
  private async changed(key: string): Promise<Error> {
    this.stats.delete(key);
    const current = await this.stat(key);
    return current ? new StorageObjectChangedError(key, current) : new StorageObjectNotFoundError(key);
  }

  async presignGet(key: string, expiresInSeconds: number): Promise<PresignedGet> {
    return this.getter.presign(this.objectKey(key), expiresInSeconds);
  }

  stat(key: string): Promise<StoredObject | null> {
    const objectKey = this.objectKey(key);
    const now = Date.now();
    const cached = this.stats.get(key);
    if (cached && now - cached.at < this.statCacheMs) return cached.value;
    const value = this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey })).then(
      (res): StoredObject => ({
        key,
        size: res.ContentLength ?? 0,
        mtime: res.LastModified ?? new Date(0),
      }),
      (err: unknown) => {
        if (isNotFound(err)) return null;
        throw this.fail('stat', err);
      },
    );
    // Concurrent stats of one key share a request; only found objects are remembered, so a new
    // object shows up at once. Failures are forgotten.
    this.stats.set(key, { at: now, value });
    value.then(
      (found) => {
        if (!found && this.stats.get(key)?.value === value) this.stats.delete(key);
      },
      () => {
        if (this.stats.get(key)?.value === value) this.stats.delete(key);
      },
    );
    if (this.stats.size > 10_000) this.pruneStats(now);
    return value;
  }

  private pruneStats(now: number): void {
    for (const [k, v] of this.stats) if (now - v.at >= this.statCacheMs) this.stats.delete(k);
  }

  /** Every page of a listing below `prefix` (a full object-key prefix). */
  private async *listPages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (err) {
        throw this.fail('list', err);
      }
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async list(prefix: string): Promise<string[]> {
    assertStorageKey(prefix, { prefix: true });
    const out: string[] = [];
    for await (const page of this.listPages(this.prefix + prefix))
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key.slice(this.prefix.length));
    return out.sort();
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    if (prefix !== '') {
      assertStorageKey(prefix, { prefix: true });
      if (!prefix.endsWith('/')) throw new Error(`a prefix ends with "/": ${prefix}`);
    }
    const found: string[] = [];
    for await (const page of this.listPages(this.prefix + prefix, '/'))
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) found.push(p.Prefix);
    // Stores with real folders (SeaweedFS's filer) keep listing a folder whose objects were all
    // deleted; AWS never does. A prefix counts only if it holds an object, as on a file system
    // after `deletePrefix`. One small request per prefix: this serves sweepers, not requests.
    const held = await Promise.all(found.map((p) => this.holdsObjects(p)));
    return found
      .filter((_, i) => held[i])
      .map((p) => p.slice(this.prefix.length))
      .sort();
  }

  private async holdsObjects(objectPrefix: string): Promise<boolean> {
    try {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: objectPrefix, MaxKeys: 1 }),
      );
      return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
    } catch (err) {
      throw this.fail('list', err);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertStorageKey(prefix, { prefix: true });
    // As on a file system, `a/b` is the folder `a/b/` (and an object named `a/b`), never `a/bc/`.
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const exact = this.prefix + prefix;
    const objectFolder = this.prefix + folder;
    for (const k of this.stats.keys()) if (k.startsWith(folder) || k === prefix) this.stats.delete(k);
    const batches: string[][] = [];
    // One listing of `a/b` finds the object `a/b` and the folder's objects alike (and `a/bc…`,
    // left alone): nothing is deleted that was not listed, so a job publishing into an empty folder
    // pays one request per entry, not two.
    for await (const page of this.listPages(exact)) {
      // One listing page is at most 1000 keys, which is also DeleteObjects' limit.
      batches.push(
        (page.Contents ?? []).flatMap((o) =>
          o.Key && (o.Key === exact || o.Key.startsWith(objectFolder)) ? [o.Key] : [],
        ),
      );
    }
    for (const keys of batches) {
      if (keys.length === 0) continue;
      let res;
      try {
        res = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      } catch (err) {
        throw this.fail('delete', err);
      }
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0)
        throw new Error(
          `could not delete ${failed.length} objects: ${failed[0]!.Code} ${failed[0]!.Message}`,
        );
    }
  }
}
