// How a tus PATCH body leaves the process, so upload progress moves by bytes during a chunk and
// not only when the server answers: XHR upload events in browsers, a counted stream in Node.

/** Called with the bytes of the current body sent so far. */
export type OnBytes = (sent: number) => void;

/**
 * - `xhr`: `XMLHttpRequest` and its `upload.onprogress` (browsers: fetch reports no upload
 *   progress, and Chromium streams request bodies only over HTTP/2);
 * - `stream`: fetch with a `ReadableStream` body counted as the runtime pulls it (Node's fetch
 *   pulls as the socket drains);
 * - `blob`: fetch with the Blob; progress when the answer comes (a caller-given `fetch`, which may
 *   not take streams, or a runtime with neither).
 */
export type ChunkTransport = 'xhr' | 'stream' | 'blob';

/** Picks the transport for the runtime (pure, for tests). */
export function chooseChunkTransport(env: {
  customFetch: boolean;
  hasXhr: boolean;
  isNode: boolean;
}): ChunkTransport {
  if (env.customFetch) return 'blob';
  if (env.hasXhr) return 'xhr';
  return env.isNode ? 'stream' : 'blob';
}

/** The transport of the running environment. */
export function runtimeChunkTransport(customFetch: boolean): ChunkTransport {
  const g = globalThis as { XMLHttpRequest?: unknown; process?: { versions?: { node?: string } } };
  return chooseChunkTransport({
    customFetch,
    hasXhr: typeof g.XMLHttpRequest === 'function',
    isNode: typeof g.process?.versions?.node === 'string',
  });
}

/** A stream of the Blob's bytes in `pieceSize` pieces, reporting the running total as each is pulled. */
export function countingStream(
  blob: Blob,
  onBytes: OnBytes,
  pieceSize = 64 * 1024,
): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= blob.size) {
        controller.close();
        return;
      }
      const piece = new Uint8Array(
        await blob.slice(sent, Math.min(sent + pieceSize, blob.size)).arrayBuffer(),
      );
      sent += piece.byteLength;
      controller.enqueue(piece);
      onBytes(sent);
    },
  });
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/** Parses `getAllResponseHeaders()` into Headers. */
export function parseXhrHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return headers;
}

/** A fetch-like request over XMLHttpRequest that reports upload bytes; resolves to a Response. */
export function xhrRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body: Blob; signal?: AbortSignal | undefined },
  onBytes: OnBytes,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { signal } = init;
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open(init.method, url);
    for (const [k, v] of Object.entries(init.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onBytes(e.loaded);
    xhr.onload = () => {
      done();
      resolve(
        new Response(NULL_BODY.has(xhr.status) ? null : xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: parseXhrHeaders(xhr.getAllResponseHeaders()),
        }),
      );
    };
    xhr.onerror = xhr.ontimeout = () => {
      done();
      reject(new TypeError('Network request failed'));
    };
    xhr.onabort = () => {
      done();
      reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(init.body);
  });
}
