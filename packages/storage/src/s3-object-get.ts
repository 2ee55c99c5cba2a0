// The driver's read path without the AWS SDK: one signed GET on a pooled keep-alive socket, the
// response handed over as it is, so its bytes can be piped to a client with backpressure. The SDK
// costs about 1.3 ms of CPU a request (middleware, endpoint resolution, signing, body wrapping),
// which capped `/file` ranges well under what the store serves; everything else (writes, HEAD,
// listing, deleting) still goes through the SDK.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { signS3Get, type S3Credentials } from './sign-s3-get.js';
import type { ByteRange } from './storage.js';

/** A store's answer other than 200/206, as an error: `statusCode` tells outage from refusal. */
export class S3ResponseError extends Error {
  constructor(
    readonly statusCode: number,
    key: string,
  ) {
    super(`the store answered ${statusCode} to a GET of ${key}`);
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

  constructor(private readonly options: S3ObjectGetOptions) {
    this.target = s3GetTarget(options);
    const secure = this.target.origin.protocol === 'https:';
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 64 });
    this.request = secure ? https.request : http.request;
  }

  destroy(): void {
    this.agent.destroy();
  }

  /**
   * The store's 200/206 response to a GET of `objectKey` (an inclusive range of it, or all of it),
   * unread. Outages (refused or dropped connections, timeouts, 5xx, 429) are tried again up to
   * `maxAttempts` times with a short backoff; any other answer rejects with an
   * {@link S3ResponseError}. Aborting `signal` destroys the request and its response.
   */
  async get(objectKey: string, range: ByteRange | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(objectKey, range, signal);
      } catch (err) {
        if (signal.aborted || attempt >= this.options.maxAttempts || !this.options.isOutage(err)) throw err;
        // Full jitter, as the SDK's standard retry: 100 ms, 200 ms… up to 2 s.
        await sleep(Math.random() * Math.min(2_000, 100 * 2 ** (attempt - 1)), undefined, { signal });
      }
    }
  }

  private async once(
    objectKey: string,
    range: ByteRange | undefined,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    signal.throwIfAborted();
    const { origin, host, pathPrefix } = this.target;
    const path = pathPrefix + objectKey;
    const headers = signS3Get({
      host,
      path,
      region: this.options.region,
      credentials: await this.options.credentials(),
      date: new Date(),
      ...(range ? { headers: { range: `bytes=${range.start}-${range.end}` } } : {}),
    });
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.request({
        agent: this.agent,
        protocol: origin.protocol,
        hostname: origin.hostname,
        port: origin.port,
        path,
        method: 'GET',
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
      req.end();
    });
  }
}
