// HTTP/1.1 GETs whose response bodies are read straight into pooled buffers and written on from
// there. Node's http client hands every socket read to JS as a fresh Buffer (plus a parser pass and
// a stream push per chunk): proxying 1 MiB ranges from the store at hundreds of MiB/s, that garbage
// started an incremental mark-compact of the whole heap every few tens of MiB (Node 24's V8 marks
// for external memory; it does not scavenge for it), which made `/file` on S3 a third of a direct
// GET. Here a socket created with `onread` reads into buffers taken from a `BufferPool`, each given
// back in the callback of the write that sent it on: nothing per chunk for the collector, one JS
// call per read. Only what S3 answers to a GET is understood: a status line, headers and a body of
// `Content-Length` bytes (anything else, e.g. a chunked body, is refused and the socket closed).
import net from 'node:net';
import type { Writable } from 'node:stream';
import type { BufferPool } from './buffer-pool.js';
import { takeBodySocket } from './response-socket.js';

/** The socket stayed silent (or did not connect) for too long: an outage, as the SDK names it. */
export class HttpTimeoutError extends Error {
  constructor(what: string) {
    super(`the store ${what}`);
    this.name = 'TimeoutError';
  }
}

/** A connection that failed or closed mid-answer, as Node names such errors (an outage). */
function connectionError(message: string, code = 'ECONNRESET'): Error {
  return Object.assign(new Error(message), { code });
}

export interface PooledHttpGetOptions {
  host: string;
  port: number;
  /** Where reads land; buffers go back once written on (or dropped beyond its `keep`). */
  pool: BufferPool;
  connectionTimeoutMs: number;
  socketTimeoutMs: number;
  /** Keep-alive sockets kept idle. @defaultValue 16 */
  maxIdle?: number;
  /** An idle socket is closed after this long (before the store's own idle timeout). @defaultValue 4000 */
  idleTimeoutMs?: number;
}

/** A store's answer whose head has arrived; its body is still unread. */
export interface PooledResponse {
  status: number;
  /** Lower-case names. */
  headers: ReadonlyMap<string, string>;
  /** Bytes in the body. */
  length: number;
  /**
   * Writes the body to `out` (to its socket, after its head, when `out` is a node:http response
   * with a `Content-Length`: see response-socket.ts), then ends it. Resolves once `out` finished, or as soon as it closes
   * early (the connection is then dropped); if the store's connection fails midway, `out` is
   * destroyed (without the error) and this rejects. Call this or `discard`, once.
   */
  pipeTo(out: Writable): Promise<void>;
  /** Drops the body (and the connection, unless it was already read whole). */
  discard(): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** A response head larger than this is not S3's. */
const MAX_HEAD = 64 * 1024;

type Chunk = { buf: Buffer; start: number; end: number; last: boolean };

/** One keep-alive connection; its read callback feeds whichever exchange owns it. */
class Connection {
  readonly socket: net.Socket;
  /** Called for each read while an exchange owns the connection; returns false to pause reading. */
  onBytes: ((buf: Buffer, n: number) => boolean) | null = null;
  /** Called once when the socket fails or closes while an exchange owns it. */
  onGone: ((err: Error) => void) | null = null;
  /** Whether a request was ever answered on it (a failure before any byte is then a stale socket). */
  used = false;
  gone = false;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(
    options: PooledHttpGetOptions,
    private readonly onClosed: (c: Connection) => void,
  ) {
    const { pool } = options;
    this.socket = net.connect({
      host: options.host,
      port: options.port,
      noDelay: true,
      onread: {
        buffer: () => pool.take(),
        callback: (n, buf) => {
          const owner = this.onBytes;
          // Bytes nobody asked for (an idle socket): the store broke the protocol; drop it.
          if (!owner) {
            pool.give(buf as Buffer);
            this.socket.destroy();
            return false;
          }
          return owner(buf as Buffer, n);
        },
      },
    });
    this.socket.on('error', (err) => this.lost(err));
    this.socket.on('close', () => this.lost(connectionError('the store closed the connection')));
    this.socket.on('end', () => this.socket.destroy());
    this.socket.on('timeout', () =>
      this.socket.destroy(new HttpTimeoutError(`was silent for ${options.socketTimeoutMs} ms`)),
    );
  }

  private lost(err: Error): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.idleTimer);
    const notify = this.onGone;
    this.onGone = null;
    this.onBytes = null;
    this.onClosed(this);
    notify?.(err);
  }
}

/** Sends GETs to one host:port over a small pool of keep-alive sockets with pooled read buffers. */
export class PooledHttpGet {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly maxIdle: number;
  private readonly idleTimeoutMs: number;
  private destroyed = false;

  constructor(private readonly options: PooledHttpGetOptions) {
    this.maxIdle = options.maxIdle ?? 16;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 4_000;
  }

  /** Closes every socket. */
  destroy(): void {
    this.destroyed = true;
    for (const c of this.open) c.socket.destroy();
    this.idle.length = 0;
  }

  /**
   * Sends `GET path` with `headers` (a `host` among them) and resolves with the answer's head.
   * A reused socket that turns out closed before answering is replaced once, transparently;
   * other failures reject (timeouts as `TimeoutError`, connection failures with Node's codes).
   * Aborting `signal` destroys the connection.
   */
  async get(
    path: string,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<PooledResponse> {
    signal.throwIfAborted();
    const reused = this.idle.pop();
    try {
      return await this.exchange(reused ?? this.connect(), path, headers, signal);
    } catch (err) {
      if (!reused || signal.aborted || !(err as { stale?: boolean }).stale) throw err;
      return this.exchange(this.connect(), path, headers, signal);
    }
  }

  private connect(): Connection {
    if (this.destroyed) throw new Error('the client was destroyed');
    const c = new Connection(this.options, (gone) => this.forget(gone));
    this.open.add(c);
    return c;
  }

  private forget(c: Connection): void {
    this.open.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private release(c: Connection): void {
    c.onBytes = null;
    c.onGone = null;
    if (c.gone) return;
    if (this.destroyed || this.idle.length >= this.maxIdle) {
      c.socket.destroy();
      return;
    }
    c.socket.setTimeout(0);
    c.socket.resume(); // reading, so a close while idle is noticed
    c.idleTimer = setTimeout(() => c.socket.destroy(), this.idleTimeoutMs);
    c.idleTimer.unref();
    this.idle.push(c);
  }

  private exchange(
    c: Connection,
    path: string,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<PooledResponse> {
    const { pool, socketTimeoutMs, connectionTimeoutMs } = this.options;
    clearTimeout(c.idleTimer);
    const socket = c.socket;
    const wasUsed = c.used;
    return new Promise<PooledResponse>((resolve, reject) => {
      let head: Buffer | null = null;
      let headBytes = 0;
      let response: PooledResponse | null = null;
      let remaining = 0;
      /** The answer's body is not read (an error page framed otherwise): the connection goes after it. */
      let unread = false;
      /** Body bytes read before `pipeTo` (the head's read usually carries the first of them). */
      const early: Chunk[] = [];
      let sink: ((chunk: Chunk) => void) | null = null;
      let onFailure: ((err: Error) => void) | null = null;
      let finished = false;
      /** Reading stopped because the writable is full; its 'drain' starts it again. */
      let pausedByOut = false;
      let connectTimer: NodeJS.Timeout | undefined;

      const onAbort = () => socket.destroy(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        signal.removeEventListener('abort', onAbort);
        clearTimeout(connectTimer);
      };
      /** Stops reading this answer and closes the connection (its rest cannot be skipped cheaply). */
      const drop = () => {
        for (const chunk of early.splice(0)) pool.give(chunk.buf);
        if (finished) return;
        finished = true;
        cleanup();
        c.onGone = null;
        c.onBytes = null;
        socket.destroy();
      };

      c.onGone = (cause) => {
        const err = signal.aborted ? (signal.reason as Error) : cause;
        cleanup();
        for (const chunk of early.splice(0)) pool.give(chunk.buf);
        if (!response) {
          // Nothing came back on a socket that had answered before: it was closed while idle.
          reject(wasUsed && headBytes === 0 && !signal.aborted ? Object.assign(err, { stale: true }) : err);
        } else if (!finished) {
          finished = true;
          onFailure?.(err);
        }
      };

      /** Body bytes `buf[start..end)`: to the sink, or kept until there is one. */
      const body = (buf: Buffer, start: number, end: number): boolean => {
        if (end - start > remaining) {
          pool.give(buf);
          socket.destroy(connectionError('the store sent more bytes than its Content-Length', 'EPROTO'));
          return false;
        }
        remaining -= end - start;
        const chunk = { buf, start, end, last: remaining === 0 };
        if (chunk.last) {
          // Read whole: the connection can serve the next request while these bytes are written.
          finished = true;
          cleanup();
          if (unread || response?.headers.get('connection')?.toLowerCase() === 'close') socket.destroy();
          else this.release(c);
        }
        if (sink) sink(chunk);
        else early.push(chunk);
        // Paused until pipeTo, or while the writable is full; reading on once idle.
        return chunk.last || (sink !== null && !pausedByOut);
      };

      c.onBytes = (buf, n) => {
        if (response) return body(buf, 0, n);
        headBytes += n;
        let all: Buffer;
        let ownBuf = false;
        if (head === null) {
          all = buf.subarray(0, n);
          ownBuf = true;
        } else {
          all = Buffer.concat([head, buf.subarray(0, n)]);
          pool.give(buf);
        }
        const end = all.indexOf(CRLFCRLF);
        if (end < 0) {
          if (ownBuf) {
            head = Buffer.from(all);
            pool.give(buf);
          } else head = all;
          if (headBytes > MAX_HEAD)
            socket.destroy(connectionError('the store sent an endless head', 'EPROTO'));
          return true;
        }
        const parsed = parseHead(all.subarray(0, end).toString('latin1'));
        if (!parsed) {
          if (ownBuf) pool.give(buf);
          socket.destroy(connectionError('the store sent a response this client does not read', 'EPROTO'));
          return false;
        }
        c.used = true;
        remaining = parsed.length;
        unread = parsed.unread === true;
        response = {
          status: parsed.status,
          headers: parsed.headers,
          length: parsed.length,
          pipeTo: (out) => pipeBody(out),
          discard: drop,
        };
        resolve(response);
        if (remaining === 0) {
          if (ownBuf) pool.give(buf);
          return body(Buffer.alloc(0), 0, 0);
        }
        // The body bytes that came with the head: in the pooled buffer itself when the head came
        // in one read (the usual case), else a copy.
        if (ownBuf) {
          if (end + 4 < n) return body(buf, end + 4, n);
          pool.give(buf);
          return false;
        }
        const rest = Buffer.from(all.subarray(end + 4));
        return rest.length > 0 ? body(rest, 0, rest.length) : false;
      };

      const pipeBody = (out: Writable) =>
        new Promise<void>((resolveBody, rejectBody) => {
          // A node:http response with a declared length: its body goes to the socket itself.
          const raw = takeBodySocket(out);
          const target: Writable = raw ?? out;
          let settled = false;
          const settle = (err?: Error) => {
            if (settled) return;
            settled = true;
            out.off('close', onOutClose);
            target.off('drain', onDrain);
            if (err) rejectBody(err);
            else resolveBody();
          };
          const onOutClose = () => {
            drop();
            settle();
          };
          const onDrain = () => {
            if (!pausedByOut) return;
            pausedByOut = false;
            if (!finished) socket.resume();
          };
          out.on('close', onOutClose);
          target.on('drain', onDrain);
          onFailure = (err) => {
            // Destroyed without the error (as writeRange does): the error is the caller's.
            out.destroy();
            settle(err);
          };
          sink = (chunk) => {
            if (settled || out.destroyed) {
              pool.give(chunk.buf);
              return;
            }
            const bytes =
              chunk.start === 0 && chunk.end === chunk.buf.length
                ? chunk.buf
                : chunk.buf.subarray(chunk.start, chunk.end);
            const written = () => pool.give(chunk.buf);
            if (chunk.last) {
              if (raw) {
                // The response's end follows the bytes on the same socket.
                raw.write(bytes, written);
                out.end(() => settle());
                return;
              }
              out.end(bytes, () => {
                written();
                settle();
              });
              return;
            }
            if (!target.write(bytes, written)) pausedByOut = true;
          };
          for (const chunk of early.splice(0)) sink(chunk);
          // The head leaves with the first bytes read (usually all of them came with the store's head).
          raw?.uncork();
          if (!finished && !pausedByOut) socket.resume();
        });

      socket.setTimeout(socketTimeoutMs);
      if (socket.connecting) {
        connectTimer = setTimeout(
          () => socket.destroy(new HttpTimeoutError(`did not connect in ${connectionTimeoutMs} ms`)),
          connectionTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(connectTimer));
      }
      socket.resume();
      socket.write(requestHead(path, headers));
    });
  }
}

function requestHead(path: string, headers: Readonly<Record<string, string>>): string {
  let text = `GET ${path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
  return `${text}\r\n`;
}

/**
 * Status and headers of an HTTP/1.1 response head; `null` for a success without a plain length.
 * An error answer whose body is framed otherwise (chunked, or until the close: a proxy's 502 or a
 * gateway's 503 page) still tells its status, which is all its reader needs: it comes with
 * `unread`, no body is read and the connection is closed after it.
 */
export function parseHead(
  text: string,
): { status: number; headers: Map<string, string>; length: number; unread?: true } | null {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const status = Number(m[1]);
  const declared = headers.get('content-length');
  const unframed = () => (status >= 300 ? { status, headers, length: 0, unread: true as const } : null);
  if (headers.has('transfer-encoding')) return unframed();
  // 204 and 304 carry no body; every other answer of S3 declares its length.
  if (declared === undefined)
    return status === 204 || status === 304 ? { status, headers, length: 0 } : unframed();
  if (!/^\d{1,15}$/.test(declared)) return unframed();
  return { status, headers, length: Number(declared) };
}
