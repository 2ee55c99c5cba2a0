/**
 * The tus 1.0 requests tests send to `/v1/uploads`, written once: each returns the `Response` for
 * the test to check. `headers` carries the caller's auth (a bearer token or the test server's org).
 */
type Headers = Record<string, string>;

/** The header every tus request but OPTIONS carries. */
export const TUS = { 'tus-resumable': '1.0.0' } as const;

/** An `Upload-Metadata` value: comma-separated `key base64(value)` pairs. */
export const tusMetadata = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

/** POST /v1/uploads announcing `length` bytes; the upload's path is in `location`. */
export function tusCreate(
  apiUrl: string,
  headers: Headers,
  length: number,
  metadata?: Record<string, string>,
): Promise<Response> {
  return fetch(`${apiUrl}/v1/uploads`, {
    method: 'POST',
    headers: {
      ...headers,
      ...TUS,
      'upload-length': String(length),
      ...(metadata && { 'upload-metadata': tusMetadata(metadata) }),
    },
  });
}

/** A PATCH of `body` at `offset` to an upload's absolute URL. */
export function tusPatch(url: string, headers: Headers, offset: number, body: Uint8Array): Promise<Response> {
  return fetch(url, {
    method: 'PATCH',
    headers: {
      ...headers,
      ...TUS,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: new Uint8Array(body),
  });
}

/** HEAD of an upload's absolute URL (its offset is in `upload-offset`). */
export function tusHead(url: string, headers: Headers): Promise<Response> {
  return fetch(url, { method: 'HEAD', headers: { ...headers, ...TUS } });
}
