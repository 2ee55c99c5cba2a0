import { STATUS_CODES, validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';

/**
 * Response headers validated and joined once, as they go on the wire (`Name: value\r\n` each), for
 * {@link writePreparedHead}. The headers whose presence changes how Node frames or keeps the
 * connection are refused here: the head adds `Content-Length`, `Date` and `Connection` itself.
 */
export function headerLines(headers: readonly string[]): string {
  let lines = '';
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    if (FRAMING.has(name.toLowerCase())) throw new Error(`a prepared head cannot carry ${name}`);
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

const FRAMING = new Set([
  'connection',
  'content-length',
  'date',
  'expect',
  'keep-alive',
  'trailer',
  'transfer-encoding',
]);

/** The fields of Node's `ServerResponse` that `writeHead` reads and sets (Node 20–24, `_http_outgoing.js`). */
interface ResponseState {
  _header: string | null;
  _headerSent: boolean;
  _contentLength: number | null;
  _removedContLen: boolean;
  _removedConnection: boolean;
  _last: boolean;
  _keepAliveTimeout: number;
  _defaultKeepAlive: boolean;
  _maxRequestsPerSocket: number;
  _expect_continue: boolean;
  _sent100: boolean;
  shouldKeepAlive: boolean;
  maxRequestsOnConnectionReached?: boolean;
  sendDate: boolean;
  chunkedEncoding: boolean;
}

let dateSecond = -1;
let dateLine = '';

/** `Date: …\r\n` for this second, made once a second (Node's own `utcDate` does the same). */
function currentDateLine(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return dateLine;
}

/**
 * `res.writeHead(status, [...headers, 'Content-Length', length])` without re-validating and
 * re-joining headers that were checked once ({@link headerLines}): `lines` is the prepared block,
 * `contentLength` the body's length. It ends the head exactly as Node's `_storeHeader` does for such
 * a list — `Date`, then `Connection: keep-alive` and `Keep-Alive: timeout=…` (or `Connection:
 * close` on the last request of a connection, an HTTP/1.0 client without keep-alive, a client that
 * asked to close, or an unanswered `Expect: 100-continue`) — and leaves the response in the state
 * `writeHead` would, so `end()` sends it with the body in one write and Node's keep-alive,
 * pipelining and `finish` handling are untouched. The bytes are the same as `writeHead`'s
 * (`prepared-head.test.ts` compares them on the wire). Falls back to `writeHead` if the response
 * already has headers of its own.
 */
export function writePreparedHead(
  res: ServerResponse,
  status: number,
  lines: string,
  contentLength: number,
): void {
  const state = res as unknown as ResponseState;
  if (state._header || res.getHeaderNames().length > 0) {
    res.writeHead(status, [...linesToList(lines), 'Content-Length', String(contentLength)]);
    return;
  }
  res.statusCode = status;
  res.statusMessage = STATUS_CODES[status] ?? 'unknown';
  if (state._expect_continue && !state._sent100) state.shouldKeepAlive = false;
  let head = `HTTP/1.1 ${status} ${res.statusMessage}\r\n${lines}Content-Length: ${contentLength}\r\n`;
  if (state.sendDate) head += currentDateLine();
  if (state.shouldKeepAlive && state.maxRequestsOnConnectionReached) {
    head += 'Connection: close\r\n';
  } else if (state.shouldKeepAlive) {
    head += 'Connection: keep-alive\r\n';
    if (state._keepAliveTimeout && state._defaultKeepAlive) {
      const max = ~~state._maxRequestsPerSocket > 0 ? `, max=${state._maxRequestsPerSocket}` : '';
      head += `Keep-Alive: timeout=${Math.floor(state._keepAliveTimeout / 1000)}${max}\r\n`;
    }
  } else {
    state._last = true;
    head += 'Connection: close\r\n';
  }
  state._contentLength = contentLength;
  state._removedContLen = false;
  state.chunkedEncoding = false;
  state._header = `${head}\r\n`;
  state._headerSent = false;
}

/** A prepared block back into a flat name/value list (the fallback only). */
function linesToList(lines: string): string[] {
  const list: string[] = [];
  for (const line of lines.split('\r\n')) {
    if (!line) continue;
    const colon = line.indexOf(': ');
    list.push(line.slice(0, colon), line.slice(colon + 2));
  }
  return list;
}

/** Whether `value` may stand in a header as it is (Node's `checkInvalidHeaderChar`, strict mode). */
export function isHeaderValue(value: string): boolean {
  return !INVALID_HEADER_CHAR.test(value);
}
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
