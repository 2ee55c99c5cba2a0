import { asDependencyOutage, DEPENDENCY_RETRY_AFTER_S } from '../http/dependency-outage.js';
import type { Server as HttpServer } from 'node:http';
import type {
  AuthRefreshAck,
  ClientToServerEvents,
  ServerToClientEvents,
  VideoEventName,
} from '@reelkit/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { isValidObjectId } from 'mongoose';
import { Server, type Socket } from 'socket.io';
import type { TokenService } from '../auth/tokens.js';
import { AppError } from '../http/app-error.js';
import type { Logger } from '../logger.js';
import { closeRedis, duplicateRedis } from '../redis.js';
import type { AccountModels } from '../models.js';
import type { PlaybackTokens } from '../playback/playback-tokens.js';
import type { RealtimePublisher } from './publisher.js';
import { adapterKey, roomsFor, userRoom } from './rooms.js';
import {
  RealtimeAuthError,
  checkRefresh,
  grantFromToken,
  msUntilExpiry,
  roomsOfGrant,
  type SocketGrant,
} from './socket-grant.js';
import type { LoadSnapshot } from './video-snapshot.js';

/** Per-socket state: what the token granted, and the timer that ends the socket at its expiry. */
interface SocketData {
  grant: SocketGrant;
  expiryTimer?: NodeJS.Timeout;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no server-to-server events
type InterServerEvents = {};

export type RealtimeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeDeps {
  httpServer: HttpServer;
  /** Publishes through the adapter; a subscriber connection is duplicated from it (and closed by `close`). */
  redis: Redis;
  /** Must be the same in every server and publisher (config.REDIS_PREFIX). */
  redisPrefix: string;
  tokens: Pick<TokenService, 'verifyAccess'>;
  playbackTokens: Pick<PlaybackTokens, 'verify'>;
  loadSnapshot: LoadSnapshot;
  logger: Logger;
  /**
   * When given, the user behind an access token is re-read at the handshake and at each refresh
   * (still a member, active, token version current), as the HTTP API does on every request.
   */
  models?: Pick<AccountModels, 'User'>;
  /** Clock for expiry (tests). */
  now?: () => number;
  /**
   * Counts a handshake from `ip` and throws an `AppError('rate_limited')` past the limit; a
   * refused handshake answers `connect_error` with `code: 'rate_limited'` and `retryAfter` (s).
   */
  limitHandshake?: (ip: string) => Promise<void>;
  /** Take the client address from `X-Forwarded-For` (config.TRUST_PROXY). */
  trustProxy?: boolean;
}

export interface Realtime extends RealtimePublisher {
  io: RealtimeServer;
  /** Disconnects this instance's sockets and leaves Redis; does not close the HTTP server. */
  close(): Promise<void>;
}

function connectError(
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Error & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code, ...extra } });
}

/**
 * socket.io on the API's HTTP server. The handshake's `auth.token` decides the rooms: an access
 * token joins the organisation's room, a playback token only its video's room; there is no way for
 * a client to pick a room. On each connection the socket first receives `video:state`, then live
 * events. A socket is disconnected when its token expires unless it sent `auth:refresh` in time.
 */
/** How often a snapshot the database could not give is tried, and how far apart. */
const SNAPSHOT_ATTEMPTS = 5;
const SNAPSHOT_RETRY_MS = 2000;

export function createRealtime(deps: RealtimeDeps): Realtime {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'realtime' });
  const subscriber = duplicateRedis(deps.redis, 'reelkit-realtime-sub', log);
  const io: RealtimeServer = new Server(deps.httpServer, {
    // Tokens travel in the handshake payload, never in cookies, so any site may connect (an embed
    // runs on third-party pages); what a socket receives depends only on its token.
    cors: { origin: '*', credentials: false },
    serveClient: false,
    adapter: createAdapter(deps.redis, subscriber, { key: adapterKey(deps.redisPrefix) }),
  });

  async function verify(token: unknown, origin: string | undefined): Promise<SocketGrant> {
    const grant = grantFromToken(token, origin, deps);
    if (grant.kind === 'org' && deps.models) {
      if (!isValidObjectId(grant.userId)) throw new RealtimeAuthError('token_invalid', 'Unknown user');
      const user = await deps.models.User.findById(grant.userId).select('orgId active tokenVersion').lean();
      if (!user || String(user.orgId) !== grant.orgId) {
        throw new RealtimeAuthError('token_invalid', 'The token’s user no longer exists');
      }
      if (!user.active) throw new RealtimeAuthError('account_disabled', 'This account has been deactivated');
      if (user.tokenVersion !== grant.ver)
        throw new RealtimeAuthError('token_invalid', 'The token has been revoked');
    }
    return grant;
  }

  function scheduleExpiry(socket: RealtimeSocket): void {
    clearTimeout(socket.data.expiryTimer);
    const { grant } = socket.data;
    const expire = () => {
      socket.emit('auth:expired', {
        code: grant.kind === 'org' ? 'token_expired' : 'playback_token_expired',
      });
      socket.disconnect(true);
    };
    const delay = msUntilExpiry(grant, now());
    if (delay <= 0) {
      expire();
      return;
    }
    socket.data.expiryTimer = setTimeout(expire, delay);
    socket.data.expiryTimer.unref();
  }

  async function refresh(socket: RealtimeSocket, token: unknown): Promise<AuthRefreshAck> {
    try {
      const next = await verify(token, socket.handshake.headers.origin);
      const current = socket.data.grant;
      checkRefresh(current, next);
      // Same organisation, maybe another member: the socket moves to that member's own room, so
      // disconnecting a member reaches exactly the sockets that act for them.
      if (current.kind === 'org' && next.kind === 'org' && current.userId !== next.userId) {
        await socket.leave(userRoom(current.orgId, current.userId));
        await socket.join(userRoom(next.orgId, next.userId));
      }
      socket.data.grant = next;
      scheduleExpiry(socket);
      return { ok: true, exp: next.exp };
    } catch (err) {
      if (err instanceof RealtimeAuthError) return { ok: false, code: err.code, message: err.message };
      log.error({ err }, 'realtime token refresh failed');
      return { ok: false, code: 'token_invalid', message: 'Could not verify the token' };
    }
  }

  /** The client's address, as Koa's `ctx.ip` would say it. */
  const clientIp = (socket: RealtimeSocket): string => {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
    return (deps.trustProxy && first) || socket.handshake.address;
  };

  // Before anything costly (token verification, a user read): handshakes per client address.
  if (deps.limitHandshake) {
    const limit = deps.limitHandshake;
    io.use((socket, next) => {
      limit(clientIp(socket)).then(
        () => next(),
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'rate_limited')
            return next(
              connectError('rate_limited', err.message, {
                retryAfter: Number(err.headers?.['Retry-After'] ?? 60),
              }),
            );
          log.warn({ err }, 'realtime handshake limit unavailable; letting the handshake through');
          next();
        },
      );
    });
  }

  io.use((socket, next) => {
    verify(socket.handshake.auth?.token, socket.handshake.headers.origin).then(
      (grant) => {
        socket.data.grant = grant;
        next();
      },
      (err: unknown) => {
        if (err instanceof RealtimeAuthError) return next(connectError(err.code, err.message));
        // The database did not answer the user lookup: the client should simply come back.
        const outage = asDependencyOutage(err);
        if (outage) {
          log.warn({ err }, 'realtime handshake: a dependency is not answering');
          return next(
            connectError('service_unavailable', outage.message, { retryAfter: DEPENDENCY_RETRY_AFTER_S }),
          );
        }
        log.error({ err }, 'realtime handshake failed');
        next(connectError('internal_error', 'Could not authenticate the connection'));
      },
    );
  });

  io.on('connection', (socket) => {
    const { grant } = socket.data;
    void socket.join(roomsOfGrant(grant));
    scheduleExpiry(socket);

    socket.on('auth:refresh', (token, ack) => {
      if (typeof ack === 'function') void refresh(socket, token).then(ack);
    });

    socket.on('disconnect', () => clearTimeout(socket.data.expiryTimer));

    // After joining: anything published from here on reaches the socket, and the snapshot covers
    // what happened before. Clients apply the snapshot, then events (see docs/realtime.md).
    void sendSnapshot([socket]);
  });

  /**
   * Sends `video:state` to sockets of one grant scope, loading it once. A database that does not
   * answer is tried again a few times; a socket still without its snapshot then has its connection
   * closed (not a socket.io disconnect), so its client reconnects and gets one — never a socket
   * left believing in a state nothing corrects.
   */
  async function sendSnapshot(sockets: RealtimeSocket[]): Promise<void> {
    const { grant } = sockets[0]!.data;
    for (let attempt = 1; ; attempt++) {
      try {
        const videos = await deps.loadSnapshot(
          grant.orgId,
          grant.kind === 'video' ? grant.videoId : undefined,
        );
        for (const socket of sockets)
          if (socket.connected) socket.emit('video:state', { scope: grant.kind, videos });
        return;
      } catch (err) {
        const live = sockets.filter((socket) => socket.connected);
        if (live.length === 0) return;
        if (attempt >= SNAPSHOT_ATTEMPTS) {
          log.warn(
            { err, orgId: grant.orgId },
            'could not load the realtime snapshot; closing for a reconnect',
          );
          for (const socket of live) socket.conn.close();
          return;
        }
        log.warn({ err, orgId: grant.orgId, attempt }, 'could not load the realtime snapshot; trying again');
        await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_RETRY_MS).unref());
        sockets = live;
      }
    }
  }

  // Events published while the adapter's subscriber was away from Redis (a restart, a failover) are
  // lost to this instance's sockets, which stayed connected and so get no reconnect snapshot: when
  // the subscriber is back, every local socket gets a fresh `video:state` (loaded once per scope).
  let subscribedOnce = false;
  subscriber.on('ready', () => {
    if (!subscribedOnce) {
      subscribedOnce = true;
      return;
    }
    const scopes = new Map<string, RealtimeSocket[]>();
    for (const socket of io.of('/').sockets.values()) {
      const { grant } = socket.data;
      const key = grant.kind === 'video' ? `${grant.orgId}:${grant.videoId}` : grant.orgId;
      scopes.set(key, [...(scopes.get(key) ?? []), socket]);
    }
    log.info({ scopes: scopes.size }, 'redis subscriber back; sending fresh snapshots');
    for (const sockets of scopes.values()) void sendSnapshot(sockets);
  });

  return {
    io,
    publish(event: VideoEventName, payload, target) {
      const rooms = roomsFor({ orgId: target.orgId, videoId: target.videoId ?? payload.videoId });
      (io.to(rooms).emit as (ev: string, data: unknown) => boolean)(event, payload);
    },
    disconnectUser({ orgId, userId }) {
      io.in(userRoom(orgId, userId)).disconnectSockets(true);
    },
    async close() {
      for (const socket of io.of('/').sockets.values()) clearTimeout(socket.data.expiryTimer);
      // Only this instance's connections, and as a lost connection ("transport close"), not a
      // socket.io disconnect: clients (socket.io-client, the SDK) then reconnect with backoff, to
      // another instance or to this one restarted. After a disconnect packet socket.io-client
      // would not reconnect at all.
      io.engine.close();
      await io.of('/').adapter.close();
      await closeRedis(subscriber);
    },
  };
}
