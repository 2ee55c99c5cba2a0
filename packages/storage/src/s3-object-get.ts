// The driver's read path without the AWS SDK (and its PUT of objects smaller than a part, see
// `put`): one signed GET on a pooled keep-alive socket, the response handed over unread, so its
// bytes can go on to a client with backpressure (for serving, through pooled read buffers on
// plain-HTTP stores: pooled-http-get.ts). The SDK costs about 1.3 ms of CPU a request (middleware,
// endpoint resolution, signing, body wrapping), which capped `/file` ranges well under what the
// store serves; everything else (multipart writes, HEAD, listing, deleting) still goes through it.
import { hash } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BufferPool } from './buffer-pool.js';
import { PooledHttpGet, type PooledResponse } from './pooled-http-get.js';
import { presignS3Get, signS3Get, signS3Request, type S3Credentials } from './sign-s3-get.js';
import type { ByteRange, PresignedGet } from './storage.js';

/** A store's answer other than 200/206, as an error: `statusCode` tells outage from refusal. */
export class S3ResponseError extends Error {
  constructor(
    readonly statusCode: number,
    key: string,
  ) {
    super(`the store answered ${statusCode} to a request for ${key}`);
    this.name = 'S3ResponseError';
  }
}

/** The socket stayed silent (or did not connect) for too long. */
class S3TimeoutError extends Error {
  constructor(what: string) {
    super(`the store ${what}`);
    this.name = 'TimeoutError';
  }
}

/** An object's body (or a range of it) the store has started to answer, not read yet. */
export interface S3ObjectBody {
  /** Bytes it holds, as the store declared them. */
  length: number | undefined;
  /** The whole object's size as the store's `Content-Range` declares it (a 206), else undefined. */
  total: number | undefined;
  /**
   * Writes it to `out` and ends `out`, with backpressure. Resolves when `out` finished or closed
   * early; if the store fails midway, `out` is destroyed (without the error) and this rejects.
   */
  pipeTo(out: Writable): Promise<void>;
  /** Drops it unread. */
  discard(): void;
}

/**
 * Bytes of each pooled read buffer. At 128 KiB most reads of a busy relay came back full (strace:
 * median 128 KiB, the kernel had more queued), so each MiB cost eight reads, eight writes to the
 * viewer and their JS calls; a larger buffer takes whatever has arrived in one read.
 */
const READ_BUFFER = 512 * 1024;
/** Idle read buffers kept (12 MiB); a connection holds one or two while its viewer drains them. */
const READ_BUFFERS_KEPT = 24;

/**
 * Serving GETs carry a presigned query (only `host` signed; `Range` rides unsigned, as S3 allows),
 * one per object, valid this long and reused for {@link PRESIGN_REUSE_MS}: a player's run of range
 * requests then costs no SHA-256, HMAC or credentials lookup each (a twentieth of the relay's CPU,
 * `--cpu-prof`), and still never sends a signature within five minutes of its expiry.
 */
const PRESIGN_SECONDS = 15 * 60;
const PRESIGN_REUSE_MS = 10 * 60 * 1000;
/** Objects whose presigned GET is kept (a few MB at most); all are dropped when it is reached. */
const PRESIGNS_KEPT = 10_000;

export interface S3ObjectGetOptions {
  bucket: string;
  /** The S3 API's URL; unset for AWS (`https://s3.<region>.amazonaws.com`). */
  endpoint?: string | undefined;
  region: string;
  forcePathStyle: boolean;
  /** The credentials as the SDK resolved them (memoized by it, refreshed when they expire). */
  credentials: () => Promise<S3Credentials>;
  maxAttempts: number;
  connectionTimeoutMs: number;
  socketTimeoutMs: number;
  /** Whether an error means the store is down (then the GET is tried again). */
  isOutage: (err: unknown) => boolean;
}

/** Where a GET of an object goes: the Host header and the path's start. */
export function s3GetTarget(options: {
  bucket: string;
  endpoint?: string | undefined;
  region: string;
  forcePathStyle: boolean;
}): { origin: URL; host: string; pathPrefix: string } {
  const origin = new URL(options.endpoint ?? `https://s3.${options.region}.amazonaws.com`);
  const base = origin.pathname.replace(/\/+$/, '');
  return options.forcePathStyle
    ? { origin, host: origin.host, pathPrefix: `${base}/${options.bucket}/` }
    : { origin, host: `${options.bucket}.${origin.host}`, pathPrefix: `${base}/` };
}

/** Sends signed GETs of objects; `destroy` closes its sockets. */
export class S3ObjectGet {
  private readonly agent: http.Agent;
  private readonly target: ReturnType<typeof s3GetTarget>;
  private readonly request: typeof http.request;
  /** Plain-HTTP stores (self-hosted, on the LAN): bodies served through pooled read buffers. */
  private readonly pooled: PooledHttpGet | null;
  /** Presigned serving GETs by object key, and until when each is reused. */
  private readonly presigned = new Map<string, { path: string; until: number }>();

  constructor(private readonly options: S3ObjectGetOptions) {
    this.target = s3GetTarget(options);
    const secure = this.target.origin.protocol === 'https:';
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 64 });
    this.request = secure ? https.request : http.request;
    const { origin } = this.target;
    // TLS sockets cannot read into a buffer of ours (`onread` is for plain TCP): https stores go
    // through node:http, which allocates per chunk.
    this.pooled = secure
      ? null
      : new PooledHttpGet({
          host: origin.hostname.replace(/^\[|\]$/g, ''),
          port: Number(origin.port || 80),
          pool: new BufferPool(READ_BUFFER, READ_BUFFERS_KEPT),
          connectionTimeoutMs: options.connectionTimeoutMs,
          socketTimeoutMs: options.socketTimeoutMs,
        });
  }

  destroy(): void {
    this.agent.destroy();
    this.pooled?.destroy();
  }

  /**
   * The store's 200/206 answer to a GET of `objectKey` (a range of it, or all of it), its body
   * not read yet: for serving, where `pipeTo` writes it on to a response. Retries and errors as
   * {@link get}.
   */
  async open(objectKey: string, range: ByteRange | undefined, signal: AbortSignal): Promise<S3ObjectBody> {
    const pooled = this.pooled;
    if (!pooled) {
      const res = await this.get(objectKey, range, signal);
      const length = res.headers['content-length'];
      return {
        length: length === undefined ? undefined : Number(length),
        total: totalOf(res.headers['content-range']),
        pipeTo: (out) => pipeResponse(res, out),
        discard: () => res.destroy(),
      };
    }
    const res = await this.retrying(signal, async () => {
      // Only `host` is signed (in the presigned query): the range is sent as it is.
      const answer: PooledResponse = await pooled.get(
        this.presignedPath(objectKey) ?? (await this.presignPath(objectKey)),
        range
          ? { host: this.target.host, range: `bytes=${range.start}-${range.end}` }
          : { host: this.target.host },
        signal,
      );
      if (answer.status === 200 || answer.status === 206) return answer;
      answer.discard();
      // A signature the store refuses is not used again (the credentials may have changed).
      if (answer.status === 403) this.presigned.delete(objectKey);
      throw new S3ResponseError(answer.status, objectKey);
    });
    return {
      length: res.length,
      total: totalOf(res.headers.get('content-range')),
      pipeTo: (out) => res.pipeTo(out),
      discard: () => res.discard(),
    };
  }

  /**
   * The store's 200/206 response to a GET of `objectKey` (an inclusive range of it, or all of it),
   * unread. Outages (refused or dropped connections, timeouts, 5xx, 429) are tried again up to
   * `maxAttempts` times with a short backoff; any other answer rejects with an
   * {@link S3ResponseError}. Aborting `signal` destroys the request and its response.
   */
  get(objectKey: string, range: ByteRange | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    return this.retrying(signal, () => this.once('GET', objectKey, range, undefined, signal));
  }

  /**
   * Writes `payload` as the object `objectKey` in one signed `PUT` (its SHA-256 signed with it) on
   * the pooled keep-alive sockets: publishing a job's segments and playlists is hundreds of small
   * objects, and the SDK's `PutObject` costs several ms of CPU each. Retries and errors as {@link get}.
   */
  async put(objectKey: string, payload: Buffer, signal: AbortSignal): Promise<void> {
    const res = await this.retrying(signal, () => this.once('PUT', objectKey, undefined, payload, signal));
    res.resume();
  }

  private async retrying<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (signal.aborted || n >= this.options.maxAttempts || !this.options.isOutage(err)) throw err;
        // Full jitter, as the SDK's standard retry: 100 ms, 200 ms… up to 2 s.
        await sleep(Math.random() * Math.min(2_000, 100 * 2 ** (n - 1)), undefined, { signal });
      }
    }
  }

  /** A presigned GET of `objectKey` (the query form of SigV4), valid for `expiresInSeconds`. */
  async presign(objectKey: string, expiresInSeconds: number): Promise<PresignedGet> {
    const { host, pathPrefix } = this.target;
    const path = pathPrefix + objectKey;
    const query = presignS3Get({
      host,
      path,
      region: this.options.region,
      credentials: await this.options.credentials(),
      date: new Date(),
      expiresInSeconds,
    });
    return { host, path, query };
  }

  /** The path of a GET of `objectKey` with a presigned query still good for a while, if one is kept. */
  private presignedPath(objectKey: string): string | undefined {
    const kept = this.presigned.get(objectKey);
    return kept && kept.until > Date.now() ? kept.path : undefined;
  }

  /** Presigns a GET of `objectKey` for {@link PRESIGN_SECONDS} and keeps it for reuse. */
  private async presignPath(objectKey: string): Promise<string> {
    const credentials: S3Credentials & { expiration?: Date } = await this.options.credentials();
    const now = Date.now();
    const path = this.target.pathPrefix + objectKey;
    const query = presignS3Get({
      host: this.target.host,
      path,
      region: this.options.region,
      credentials,
      date: new Date(now),
      expiresInSeconds: PRESIGN_SECONDS,
    });
    // Not past the credentials' own expiry (temporary ones), whose signatures die with them.
    const until = Math.min(now + PRESIGN_REUSE_MS, (credentials.expiration?.getTime() ?? Infinity) - 60_000);
    if (this.presigned.size >= PRESIGNS_KEPT) this.presigned.clear();
    this.presigned.set(objectKey, { path: `${path}?${query}`, until });
    return `${path}?${query}`;
  }

  private signedHeaders(
    objectKey: string,
    range: ByteRange | undefined,
    credentials: S3Credentials,
  ): Record<string, string> {
    return signS3Get({
      host: this.target.host,
      path: this.target.pathPrefix + objectKey,
      region: this.options.region,
      credentials,
      date: new Date(),
      ...(range ? { headers: { range: `bytes=${range.start}-${range.end}` } } : {}),
    });
  }

  private async once(
    method: 'GET' | 'PUT',
    objectKey: string,
    range: ByteRange | undefined,
    payload: Buffer | undefined,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    signal.throwIfAborted();
    const { origin, pathPrefix } = this.target;
    const path = pathPrefix + objectKey;
    const credentials = await this.options.credentials();
    const headers = payload
      ? signS3Request(method, {
          host: this.target.host,
          path,
          region: this.options.region,
          credentials,
          date: new Date(),
          headers: { 'content-length': String(payload.length) },
          payloadHash: hash('sha256', payload),
        })
      : this.signedHeaders(objectKey, range, credentials);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.request({
        agent: this.agent,
        protocol: origin.protocol,
        hostname: origin.hostname,
        port: origin.port,
        path,
        method,
        headers,
      });
      const onAbort = () => req.destroy(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => signal.removeEventListener('abort', onAbort));
      req.setTimeout(this.options.socketTimeoutMs, () =>
        req.destroy(new S3TimeoutError(`was silent for ${this.options.socketTimeoutMs} ms`)),
      );
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => req.destroy(new S3TimeoutError(`did not connect in ${this.options.connectionTimeoutMs} ms`)),
          this.options.connectionTimeoutMs,
        );
        const clear = () => clearTimeout(timer);
        socket.once('connect', clear);
        socket.once('close', clear);
      });
      // `on`, not `once`: an error after the answer (the body's) must still find a listener.
      req.on('error', reject);
      req.once('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status === 200 || status === 206) return resolve(res);
        // Drained, so the socket goes back to the pool.
        res.resume();
        reject(new S3ResponseError(status, objectKey));
      });
      req.end(payload);
    });
  }
}

/** The complete length of a `Content-Range: bytes a-b/total` header; undefined without one. */
export function totalOf(contentRange: string | undefined): number | undefined {
  const m = contentRange === undefined ? null : /\/(\d{1,15})\s*$/.exec(contentRange);
  return m ? Number(m[1]) : undefined;
}

/** node:http's answer piped to `out`, with the contract of {@link S3ObjectBody.pipeTo}. */
function pipeResponse(body: IncomingMessage, out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      out.off('close', onClose);
      out.off('finish', onFinish);
      if (err) reject(err);
      else resolve();
    };
    const onFinish = () => settle();
    const onClose = () => {
      body.destroy();
      settle();
    };
    body.once('error', (err) => {
      // Destroyed without the error (as `writeRange` does): the error is the caller's.
      out.destroy();
      settle(err);
    });
    out.once('finish', onFinish);
    out.once('close', onClose);
    // pipe pauses the download while the socket is full: backpressure down to the store.
    body.pipe(out);
  });
}
