// Every request the soak's clients make goes through `timed()`: it never waits longer than its
// budget, reads the whole body, and leaves a Sample (status, latency, problem code, Retry-After)
// in the recorder, tagged with what kind of traffic it was.
import type { Sample } from './figures.js';

export type Traffic = 'segment' | 'playlist' | 'playback' | 'range' | 'upload' | 'status' | 'hostile';

export interface TaggedSample extends Sample {
  kind: Traffic;
  /** Which API answered (index into the stack's APIs). */
  api: number;
  method: string;
  /** The path asked for, a playback token shown as `<token>`. */
  path: string;
}

/**
 * How long a client waits for an answer before it counts as none: nginx's default
 * `proxy_read_timeout`, what a user behind the usual reverse proxy gets. The first runs used 20 s,
 * and under a load average of 20 on two cores the APIs' own logs showed tus PATCHes taking 8–12 s
 * on the server (each of their half-dozen database operations slowed by the same factor), so
 * a 20 s client gave up on answers that were coming.
 */
export const NO_ANSWER_MS = 60_000;

export class Recorder {
  readonly samples: TaggedSample[] = [];
  /** Told of every request that got no answer (the load balancer's passive health check). */
  onNoAnswer: (api: number) => void = () => undefined;
  constructor(private readonly t0: number) {}

  now(): number {
    return Date.now() - this.t0;
  }

  /**
   * One HTTP request: resolves with its response and body (or status 0 when no answer came within
   * `timeoutMs`, or the connection failed), and records it.
   */
  async timed(
    kind: Traffic,
    api: number,
    url: string,
    init: RequestInit = {},
    timeoutMs = NO_ANSWER_MS,
  ): Promise<{ status: number; body: Buffer; headers: Headers | undefined; json?: unknown }> {
    const started = performance.now();
    let status: number;
    let body = Buffer.alloc(0);
    let headers: Headers | undefined;
    let json: unknown;
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      headers = res.headers;
      body = Buffer.from(await res.arrayBuffer());
      if ((res.headers.get('content-type') ?? '').includes('json') && body.length < 1 << 20) {
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
      }
    } catch {
      status = 0;
    }
    // `at` is when the answer (or the failure) came: a request cut by a fault fails inside its window.
    const sample: TaggedSample = {
      kind,
      api,
      method: init.method ?? 'GET',
      path: new URL(url).pathname.replace(/^\/v1\/play\/[^/]+/, '/v1/play/<token>'),
      status,
      at: this.now(),
      latencyMs: performance.now() - started,
    };
    if (status >= 400) {
      const code = (json as { code?: unknown } | undefined)?.code;
      if (typeof code === 'string') sample.code = code;
      // A HEAD answer has no body to carry its code; a problem document's type says it has one.
      else if (sample.method === 'HEAD' && headers?.get('content-type')?.includes('application/problem+json'))
        sample.code = '(problem+json, HEAD)';
      sample.retryAfter = headers?.has('retry-after') ?? false;
    }
    if (status === 0) this.onNoAnswer(api);
    this.samples.push(sample);
    return { status, body, headers, json };
  }
}
