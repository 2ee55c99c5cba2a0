import type { AuthRefreshAck, VideoStateEvent } from '@reelkit/protocol';
import { ReelkitError, isReelkitErrorCode } from './reelkit-error.js';
import { TokenKeeper } from './token-keeper.js';
import type { SubscribeOptions, Subscription, WebSocketConstructor, WebSocketLike } from './subscribe.js';
import { SOCKET_EVENTS, type VideoEvent } from './video-events.js';

const TOKEN_CODES = new Set([
  'token_expired',
  'playback_token_expired',
  'token_invalid',
  'playback_token_invalid',
]);

/** Backoff before reconnection attempt `n` (0-based): 0.5–1 s, doubling, at most 5–10 s. */
export function reconnectDelay(attempt: number, random = Math.random): number {
  const base = Math.min(1000 * 2 ** attempt, 10_000);
  return Math.round(base / 2 + (random() * base) / 2);
}

/** The socket.io endpoint (Engine.IO 4, WebSocket transport) for an API origin. */
export function socketUrl(apiBase: string, path = '/socket.io/'): string {
  const url = new URL(path.endsWith('/') ? path : `${path}/`, apiBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = 'EIO=4&transport=websocket';
  return url.toString();
}

/** The implementation of {@link subscribe}, loaded on first use. */
export function connectRealtime(
  videoId: string,
  handler: (event: VideoEvent) => void,
  options: SubscribeOptions,
): Subscription {
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  const ownKeeper = !options.keeper;
  const keeper =
    options.keeper ?? new TokenKeeper({ videoId, token: options.token, getToken: options.getToken });
  const fail = (err: ReelkitError) => options.onError?.(err);
  let closed = false;
  let ws: WebSocketLike | undefined;
  let connected = false;
  let attempt = 0;
  let tokenRetried = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The server said `auth:expired`: the disconnect that follows is about the token. */
  let expired: ReelkitError['code'] | undefined;
  let heartbeatMs = 45_000;
  let nextAck = 0;
  const acks = new Map<number, (ack: AuthRefreshAck) => void>();

  const deliver = (event: VideoEvent) => {
    if (!closed && (videoId === '*' || event.videoId === videoId)) handler(event);
  };

  const drop = () => {
    clearTimeout(heartbeat);
    clearTimeout(connectTimer);
    expired = undefined;
    const socket = ws;
    ws = undefined;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Closing one still connecting makes `ws` emit an error; it must have a listener.
      socket.onerror = () => undefined;
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
    acks.clear();
    if (connected) {
      connected = false;
      options.onConnectionChange?.(false);
    }
  };

  const schedule = (delay = reconnectDelay(attempt++)) => {
    drop();
    if (closed) return;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => void open(), delay);
  };

  /** The server refused or ended the socket because of its token: renew once, then reconnect. */
  const renewAndReconnect = (error: ReelkitError) => {
    drop();
    if (!keeper.canRenew || tokenRetried) {
      fail(error);
      return;
    }
    tokenRetried = true;
    keeper.renew().then(
      () => schedule(0),
      (err: unknown) => fail(ReelkitError.from(err)),
    );
  };

  const watchdog = () => {
    clearTimeout(heartbeat);
    heartbeat = setTimeout(() => schedule(), heartbeatMs);
  };

  const send = (packet: string) => ws?.send(packet);

  const onSocketIo = (type: string, body: string) => {
    if (type === '0') {
      clearTimeout(connectTimer);
      connected = true;
      attempt = 0;
      tokenRetried = false;
      options.onConnectionChange?.(true);
    } else if (type === '4') {
      const err = JSON.parse(body || '{}') as {
        message?: string;
        data?: { code?: string; retryAfter?: number };
      };
      const code = err.data?.code;
      const error = new ReelkitError(
        isReelkitErrorCode(code) ? code : 'realtime_error',
        err.message ?? 'Connection refused',
        401,
      );
      if (code && TOKEN_CODES.has(code)) renewAndReconnect(error);
      else if (code === 'rate_limited') {
        // Too many handshakes from this address: say so, and come back once the window has passed.
        fail(new ReelkitError('rate_limited', error.message, 429));
        schedule(Math.max(reconnectDelay(attempt++), (err.data?.retryAfter ?? 10) * 1000));
      } else if (!code || code === 'internal_error' || code === 'service_unavailable') schedule();
      else {
        drop();
        fail(error);
      }
    } else if (type === '1') {
      // The server ended the socket. Only after `auth:expired` is that about the token; otherwise
      // (a server shutting down, a member whose role changed) reconnect with backoff and let the
      // handshake decide, whatever kind of token this is.
      if (expired) renewAndReconnect(new ReelkitError(expired, 'The token expired', 401));
      else schedule();
    } else if (type === '2' || type === '3') {
      const m = /^(\d*)([\s\S]*)$/.exec(body)!;
      const data = JSON.parse(m[2] || '[]') as unknown[];
      if (type === '3') {
        const id = Number(m[1]);
        acks.get(id)?.(data[0] as AuthRefreshAck);
        acks.delete(id);
        return;
      }
      const [name, payload] = data as [string, unknown];
      if (name === 'auth:expired') {
        const code = (payload as { code?: unknown } | undefined)?.code;
        expired = code === 'playback_token_expired' ? code : 'token_expired';
      } else if (name === 'video:state') {
        for (const snap of (payload as VideoStateEvent).videos ?? []) deliver({ type: 'state', ...snap });
      } else if (name in SOCKET_EVENTS) {
        deliver({
          type: SOCKET_EVENTS[name as keyof typeof SOCKET_EVENTS],
          ...(payload as object),
        } as VideoEvent);
      }
    }
  };

  const onPacket = (packet: string, token: string | undefined) => {
    const type = packet[0];
    if (type === '0') {
      const open = JSON.parse(packet.slice(1)) as { pingInterval?: number; pingTimeout?: number };
      heartbeatMs = (open.pingInterval ?? 25_000) + (open.pingTimeout ?? 20_000);
      watchdog();
      send(`40${JSON.stringify({ token })}`);
    } else if (type === '2') {
      send('3');
      watchdog();
    } else if (type === '1') {
      schedule();
    } else if (type === '4') {
      try {
        onSocketIo(packet[1] ?? '', packet.slice(2));
      } catch (err) {
        fail(
          new ReelkitError('invalid_response', 'Unreadable realtime message', 0, undefined, { cause: err }),
        );
      }
    }
  };

  async function open(): Promise<void> {
    if (closed) return;
    if (!WS) {
      fail(new ReelkitError('realtime_error', 'No WebSocket implementation (pass options.WebSocket)'));
      return;
    }
    let token: string | undefined;
    try {
      token = await keeper.get();
    } catch (err) {
      fail(ReelkitError.from(err));
      schedule();
      return;
    }
    if (closed) return;
    const socket = new WS(socketUrl(options.apiBase, options.path));
    ws = socket;
    // An attempt that hangs (no upgrade answer, no open packet, no connect ack) is abandoned.
    connectTimer = setTimeout(() => {
      if (ws === socket && !connected) schedule();
    }, options.connectTimeoutMs ?? 10_000);
    socket.onmessage = (ev) => {
      if (ws === socket) onPacket(String(ev.data), token);
    };
    socket.onclose = () => {
      if (ws === socket) schedule();
    };
    socket.onerror = () => undefined; // a close follows
  }

  const offToken = keeper.on('token', ({ token }) => {
    if (!connected) return;
    const id = nextAck++;
    acks.set(id, (ack) => {
      if (!ack.ok)
        fail(new ReelkitError(ack.code === 'token_scope_changed' ? 'forbidden' : ack.code, ack.message, 403));
    });
    send(`42${id}${JSON.stringify(['auth:refresh', token])}`);
  });

  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(reconnectTimer);
    drop();
    offToken();
    if (ownKeeper) keeper.destroy();
    options.signal?.removeEventListener('abort', close);
  };
  if (options.signal?.aborted) close();
  else {
    options.signal?.addEventListener('abort', close, { once: true });
    void open();
  }
  return { close };
}
