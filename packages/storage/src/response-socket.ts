// Relaying a store's answer to a viewer, each chunk written through node:http's response costs a
// cork, a deferred uncork and the response's bookkeeping before it reaches the socket; at hundreds
// of MiB/s of 1 MiB ranges that is a visible share of the server's CPU. A response whose length is
// declared has nothing to frame in its body, so once its head is out the bytes can go to the
// socket itself, as nginx writes a proxied body.
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';

/**
 * The socket to write `out`'s body to, when `out` is a node:http response with a `Content-Length`
 * whose head has not been sent: the head is then queued on the socket (corked, so it leaves with the
 * first bytes when the caller uncorks) and the caller writes exactly `Content-Length` bytes to the
 * socket, then calls `out.end()`. `null` for anything else (a chunked or already started response,
 * a plain stream): write to `out` itself.
 */
export function takeBodySocket(out: Writable): Socket | null {
  if (!(out instanceof ServerResponse) || out.headersSent || !out.hasHeader('content-length')) return null;
  const socket = out.socket;
  if (!socket || socket.destroyed || !socket.writable) return null;
  socket.cork();
  out.flushHeaders();
  if (out.chunkedEncoding) {
    // Cannot happen with a Content-Length; if it did, the body must be framed by `out`.
    socket.uncork();
    return null;
  }
  return socket;
}
