import { ReelkitError } from './reelkit-error.js';
import type { GetToken, TokenKeeper } from './token-keeper.js';
import type { VideoEvent } from './video-events.js';

/** The part of the WebSocket API the realtime client uses (browsers, Node ≥ 22, or the `ws` package). */
export interface WebSocketLike {
  /** Sends a text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(): void;
  /** Called once connected. */
  onopen: ((ev: unknown) => void) | null;
  /** Called for every frame received. */
  onmessage: ((ev: { data: unknown }) => void) | null;
  /** Called once closed. */
  onclose: ((ev: unknown) => void) | null;
  /** Called on a failure (a close follows). */
  onerror: ((ev: unknown) => void) | null;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Where and how to connect for live events. */
export interface SubscribeOptions {
  /** The API's origin (socket.io runs there, at `/socket.io/`). */
  apiBase: string;
  /** An access token (every video of the organisation) or a playback token (its one video). */
  token?: string;
  /** Returns a fresh token; used before the current one expires and when the server refuses it. */
  getToken?: GetToken;
  /**
   * Called when the connection is refused for good or a token cannot be renewed; also, for
   * information, when the server refuses handshakes for a while (`rate_limited`: the client then
   * reconnects by itself after the server's `retryAfter`).
   */
  onError?: (error: ReelkitError) => void;
  /** Called on every connection and disconnection. */
  onConnectionChange?: (connected: boolean) => void;
  /**
   * How long one connection attempt may take, from opening the WebSocket to socket.io's connect
   * acknowledgement, before it is abandoned and retried with backoff (as socket.io-client's
   * `timeout`).
   * @defaultValue 10000
   */
  connectTimeoutMs?: number;
  /** socket.io path (default `/socket.io/`). */
  path?: string;
  /** Closes the subscription. */
  signal?: AbortSignal;
  /** WebSocket implementation; defaults to the global one (pass `ws`'s on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** @internal A token keeper shared with a player. */
  keeper?: TokenKeeper;
}

/** A live subscription; `close()` disconnects. */
export interface Subscription {
  /** Disconnects and stops calling the handler. */
  close(): void;
}
/**
 * Live events for one video (`videoId`), or for every video of the organisation (`'*'`, with an
 * access token), from the API's socket.io server. After every (re)connection the handler first
 * gets a `state` event with the video's current status, so nothing is missed while offline. The
 * connection comes back by itself (backoff with jitter, heartbeat watchdog); with `getToken` the
 * token is renewed before it expires (`auth:refresh`) and when the server refuses an expired one.
 *
 * It speaks the socket.io protocol (v5 over Engine.IO 4) on a plain WebSocket, loaded on first use:
 * a few kilobytes instead of socket.io-client, and nothing Node-specific in the browser bundle.
 *
 * @example
 * ```ts
 * const sub = subscribe(videoId, (e) => {
 *   if (e.type === 'progress') bar.value = e.percent;
 *   if (e.type === 'ready') sub.close();
 * }, { apiBase, token });
 * ```
 */
export function subscribe(
  videoId: string,
  handler: (event: VideoEvent) => void,
  options: SubscribeOptions,
): Subscription {
  let inner: Subscription | undefined;
  let closed = false;
  import('./realtime-socket.js').then(
    ({ connectRealtime }) => {
      if (!closed) inner = connectRealtime(videoId, handler, options);
    },
    (err: unknown) => {
      options.onError?.(
        new ReelkitError('realtime_error', 'Could not load the realtime client', 0, undefined, {
          cause: err,
        }),
      );
    },
  );
  return {
    close() {
      closed = true;
      inner?.close();
    },
  };
}
