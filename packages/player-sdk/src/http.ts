import { isRetryable, ReelkitError } from './reelkit-error.js';
import { sleep } from './sleep.js';

/** A credential, or a function that returns the current one (called before every request). */
export type Credential = string | (() => string | undefined | Promise<string | undefined>);

/** How the SDK talks HTTP: where, with which credential and which `fetch`. */
export interface HttpOptions {
  apiBase: string;
  credential?: Credential | undefined;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch | undefined;
}

/** One API call. */
export interface RequestOptions {
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Retries for a retryable failure (default 2 for GET/HEAD/DELETE, 0 otherwise). */
  retries?: number;
}

/** `apiBase` without a trailing slash. */
export function trimBase(apiBase: string): string {
  return apiBase.replace(/\/+$/, '');
}

/** Milliseconds to wait from a `Retry-After` header (seconds or HTTP date), bounded. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 30_000) : undefined;
}

/** Resolves a credential to its current value. */
export async function currentCredential(credential: Credential | undefined): Promise<string | undefined> {
  return typeof credential === 'function' ? await credential() : credential;
}

/**
 * Calls the API and returns the raw response when it is a success; throws a {@link ReelkitError}
 * otherwise. Idempotent requests are retried with backoff on a network error, 408, 429 or 5xx,
 * honouring `Retry-After`.
 */
export async function requestRaw(
  http: HttpOptions,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const doFetch = http.fetch ?? globalThis.fetch.bind(globalThis);
  let url = path.startsWith('http') ? path : `${trimBase(http.apiBase)}${path}`;
  const params = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined && v !== '');
  if (params.length) url += `?${new URLSearchParams(params.map(([k, v]) => [k, String(v)])).toString()}`;
  const idempotent = method === 'GET' || method === 'HEAD' || method === 'DELETE';
  const retries = options.retries ?? (idempotent ? 2 : 0);
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const token = await currentCredential(http.credential);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let error: ReelkitError;
    let wait: number | undefined;
    try {
      const res = await doFetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (res.ok) return res;
      wait = retryAfterMs(res.headers.get('retry-after'));
      error = await ReelkitError.fromResponse(res);
    } catch (err) {
      error = ReelkitError.from(err, options.signal);
    }
    if (attempt >= retries || !isRetryable(error)) throw error;
    await sleep(wait ?? 250 * 2 ** attempt, options.signal);
  }
}

/** Like {@link requestRaw}, and parses the JSON body (undefined for 204). */
export async function requestJson<T>(
  http: HttpOptions,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const res = await requestRaw(http, method, path, options);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch (err) {
    throw new ReelkitError(
      'invalid_response',
      'The API answered something that is not JSON',
      res.status,
      undefined,
      {
        cause: err,
      },
    );
  }
}
