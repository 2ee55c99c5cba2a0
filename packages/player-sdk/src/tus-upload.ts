import { currentCredential, trimBase, type HttpOptions } from './http.js';
import { isRetryable, ReelkitError } from './reelkit-error.js';
import { runtimeChunkTransport, countingStream, xhrRequest, type OnBytes } from './send-chunk.js';
import { sleep } from './sleep.js';

const TUS_VERSION = '1.0.0';

/** What a video upload accepts: a browser `File`/`Blob`, or in Node a `Buffer`/`Uint8Array`/`Blob`. */
export type UploadInput = Blob | ArrayBuffer | ArrayBufferView;

/**
 * Upload progress, reported as bytes leave during each chunk (browsers: XHR upload events; Node:
 * as fetch pulls the body) and again with the server's offset after each stored chunk.
 */
export interface UploadProgress {
  bytesUploaded: number;
  bytesTotal: number;
  /** 0–100. */
  percent: number;
  /** The video being uploaded (known once the upload exists). */
  videoId: string;
}

/**
 * Where unfinished uploads are remembered (fingerprint → upload URL) so a later call with the same
 * file resumes instead of starting over. The browser default is `localStorage`; Node's is memory.
 */
export interface UploadUrlStore {
  /** The upload URL remembered for a file, if any. */
  get(fingerprint: string): string | null | undefined | Promise<string | null | undefined>;
  /** Remembers a file's upload URL. */
  set(fingerprint: string, url: string): void | Promise<void>;
  /** Forgets a file (its upload finished or is gone). */
  remove(fingerprint: string): void | Promise<void>;
}

/** Options of `videos.upload`. */
export interface UploadOptions {
  /** Title of the new video (default: the file name). */
  title?: string;
  description?: string;
  visibility?: 'private' | 'unlisted' | 'public';
  /** File name sent to the API; defaults to `File.name`. */
  filename?: string;
  /** Called as bytes are sent and after each chunk the server stored. */
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload; it stays resumable. */
  signal?: AbortSignal;
  /** Bytes per PATCH request (default 8 MiB). Smaller chunks lose less on a cut connection. */
  chunkSize?: number;
  /** Waits in ms before each retry of a failed request; a stored chunk resets the count. Default `[0, 1000, 3000, 5000, 10000]`. */
  retryDelays?: number[];
  /** Resume this tus upload URL instead of creating one. */
  uploadUrl?: string;
  /** Where unfinished uploads are remembered, or `false` not to remember. */
  urlStore?: UploadUrlStore | false;
  /** Key for {@link UploadUrlStore}; defaults to one built from the file's name, size, type and date (Buffers have none unless given). */
  fingerprint?: string;
  /** Called once the upload URL is known (to store it yourself, for example). */
  onUploadUrl?: (url: string) => void;
}

/** A finished tus upload. */
export interface UploadResult {
  uploadUrl: string;
  /** The new video's id. */
  videoId: string;
}

const memoryStore = new Map<string, string>();

/** `localStorage` in a browser, a process-wide map elsewhere. */
function defaultStore(): UploadUrlStore {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (ls) {
    return {
      get: (k) => ls.getItem(k),
      set: (k, v) => {
        try {
          ls.setItem(k, v);
        } catch {
          // Quota or privacy mode: resuming across reloads is a nicety, not a requirement.
        }
      },
      remove: (k) => ls.removeItem(k),
    };
  }
  return {
    get: (k) => memoryStore.get(k),
    set: (k, v) => void memoryStore.set(k, v),
    remove: (k) => void memoryStore.delete(k),
  };
}

function toBlob(input: UploadInput): Blob {
  if (input instanceof Blob) return input;
  if (input instanceof ArrayBuffer) return new Blob([input]);
  // A view (Buffer, Uint8Array…): copy out exactly its window of the underlying buffer.
  return new Blob([new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice()]);
}

/** Base64 of a UTF-8 string, without Node's Buffer. */
function base64(value: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The tus `Upload-Metadata` header: `key base64(value)` pairs, comma-separated. */
export function encodeUploadMetadata(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k} ${base64(v)}`)
    .join(',');
}

/**
 * The video id of a finished upload: the `Reelkit-Video-Id` response header when the server sends
 * one, else the last path segment of the upload URL (Reelkit's upload URL is `/v1/uploads/<videoId>`).
 */
export function videoIdOf(uploadUrl: string, header: string | null | undefined): string {
  if (header) return header;
  const path = new URL(uploadUrl, 'http://x').pathname.replace(/\/+$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** The default fingerprint of a file for the resume store, or undefined for anonymous bytes. */
export function fingerprintOf(apiBase: string, input: UploadInput, blob: Blob): string | undefined {
  const file = input as { name?: unknown; lastModified?: unknown };
  if (typeof file.name !== 'string') return undefined;
  return [
    'reelkit-upload',
    trimBase(apiBase),
    file.name,
    blob.size,
    blob.type,
    String(file.lastModified ?? ''),
  ].join(':');
}

/**
 * Uploads bytes with tus 1.0 (`creation` extension): `POST` creates the upload, `PATCH` sends
 * chunks from the server's offset, and after a failure `HEAD` asks where the server is before
 * sending again, so a lost connection costs at most one chunk.
 */
export async function tusUpload(
  http: HttpOptions,
  input: UploadInput,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const doFetch = http.fetch ?? globalThis.fetch.bind(globalThis);
  const { signal, onProgress } = options;
  const blob = toBlob(input);
  const size = blob.size;
  const chunkSize = Math.max(1, options.chunkSize ?? 8 * 1024 * 1024);
  const delays = options.retryDelays ?? [0, 1000, 3000, 5000, 10000];
  const store = options.urlStore === false ? undefined : (options.urlStore ?? defaultStore());
  const fingerprint = options.fingerprint ?? fingerprintOf(http.apiBase, input, blob);
  const endpoint = `${trimBase(http.apiBase)}/v1/uploads`;
  let videoIdHeader: string | null = null;

  const transport = runtimeChunkTransport(Boolean(http.fetch));
  const send = async (
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Blob,
    onBytes?: OnBytes,
  ) => {
    const token = await currentCredential(http.credential);
    const allHeaders = {
      'Tus-Resumable': TUS_VERSION,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    };
    let res: Response;
    try {
      if (body && onBytes && transport === 'xhr') {
        res = await xhrRequest(url, { method, headers: allHeaders, body, signal }, onBytes);
      } else if (body && onBytes && transport === 'stream') {
        // `duplex` is Node's (and the spec's) requirement for a stream body; not in DOM typings.
        res = await doFetch(url, {
          method,
          headers: { ...allHeaders, 'Content-Length': String(body.size) },
          body: countingStream(body, onBytes),
          duplex: 'half',
          ...(signal ? { signal } : {}),
        } as RequestInit);
      } else {
        res = await doFetch(url, {
          method,
          headers: allHeaders,
          ...(body ? { body } : {}),
          ...(signal ? { signal } : {}),
        });
      }
    } catch (err) {
      throw ReelkitError.from(err, signal);
    }
    if (!res.ok) throw await ReelkitError.fromResponse(res);
    videoIdHeader = res.headers.get('reelkit-video-id') ?? videoIdHeader;
    return res;
  };

  const offsetOf = (res: Response): number => {
    const value = Number(res.headers.get('upload-offset'));
    if (!Number.isSafeInteger(value) || value < 0 || value > size)
      throw new ReelkitError('invalid_response', 'The upload server sent no valid Upload-Offset', res.status);
    return value;
  };

  /** Runs `fn`, retrying retryable failures with the configured delays. */
  const withRetries = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = ReelkitError.from(err, signal);
        const retryable = isRetryable(e) || e.status === 423 || e.code === 'upload_offset_mismatch';
        if (!retryable || attempt >= delays.length) throw e;
        await sleep(delays[attempt]!, signal);
      }
    }
  };

  let uploadUrl =
    options.uploadUrl ?? (fingerprint && store ? ((await store.get(fingerprint)) ?? undefined) : undefined);
  let offset = 0;
  if (uploadUrl) {
    const known = uploadUrl;
    try {
      offset = await withRetries(async () => offsetOf(await send('HEAD', known, {})));
    } catch (err) {
      const e = ReelkitError.from(err, signal);
      // A stored URL the server no longer knows (finished, expired, deleted): start again.
      if (options.uploadUrl || e.status < 400 || e.status >= 500) throw e;
      if (fingerprint) await store?.remove(fingerprint);
      uploadUrl = undefined;
    }
  }
  if (!uploadUrl) {
    const filename = options.filename ?? (input as { name?: string }).name;
    const metadata = encodeUploadMetadata({
      filename,
      title: options.title,
      description: options.description,
      visibility: options.visibility,
      filetype: blob.type || undefined,
    });
    const created = await withRetries(() =>
      send('POST', endpoint, {
        'Upload-Length': String(size),
        ...(metadata ? { 'Upload-Metadata': metadata } : {}),
      }),
    );
    const location = created.headers.get('location');
    if (!location)
      throw new ReelkitError('invalid_response', 'The upload server sent no Location', created.status);
    uploadUrl = new URL(location, endpoint).toString();
    offset = created.headers.has('upload-offset') ? offsetOf(created) : 0;
    if (fingerprint) await store?.set(fingerprint, uploadUrl);
  }
  options.onUploadUrl?.(uploadUrl);
  const url = uploadUrl;
  const videoId = () => videoIdOf(url, videoIdHeader);
  const report = (bytes = offset) =>
    onProgress?.({
      bytesUploaded: bytes,
      bytesTotal: size,
      percent: size ? (bytes / size) * 100 : 100,
      videoId: videoId(),
    });
  report();

  let attempt = 0;
  while (offset < size || (size === 0 && attempt === 0)) {
    try {
      const end = Math.min(offset + chunkSize, size);
      const from = offset;
      const res = await send(
        'PATCH',
        url,
        { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        blob.slice(offset, end),
        // Bytes on the wire, below the chunk's end: the server's answer confirms the rest.
        onProgress ? (sent) => report(Math.min(from + sent, end - 1, size)) : undefined,
      );
      const next = offsetOf(res);
      if (next > offset) attempt = 0; // progress resets the retry budget, as tus-js-client does
      offset = next;
      report();
      if (size === 0) break;
    } catch (err) {
      const e = ReelkitError.from(err, signal);
      const retryable = isRetryable(e) || e.status === 423 || e.code === 'upload_offset_mismatch';
      if (!retryable || attempt >= delays.length) throw e;
      await sleep(delays[attempt++]!, signal);
      // The connection may have died after the server stored part of the chunk: ask, then go on.
      offset = await withRetries(async () => offsetOf(await send('HEAD', url, {})));
      report();
    }
  }
  if (fingerprint) await store?.remove(fingerprint);
  return { uploadUrl: url, videoId: videoId() };
}
