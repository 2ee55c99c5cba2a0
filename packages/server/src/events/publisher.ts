import type { ServerToClientEvents, VideoEventName, VideoEventPayloads } from '@reelkit/protocol';
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { adapterKey, roomsFor, userRoom } from './rooms.js';

/** Where an event goes: the organisation's sockets and, with `videoId`, that video's sockets. */
export interface EventTarget {
  orgId: string;
  /** Defaults to the payload's `videoId`. */
  videoId?: string;
}

/** Publishes live video events to every socket that may see them, on any server instance. */
export interface RealtimePublisher {
  publish<K extends VideoEventName>(event: K, payload: VideoEventPayloads[K], target: EventTarget): void;
  /**
   * Disconnects every open socket of one member, on every server instance, at once. Their client
   * may reconnect: the handshake then re-reads the member (active, token version, membership).
   */
  disconnectUser(target: { orgId: string; userId: string }): void;
}

/**
 * A publisher that needs no socket.io server: it writes the socket.io Redis adapter's broadcast
 * format straight to Redis, and every server's adapter delivers it to its own sockets. For
 * processes that only handle job results. `redis` is any ioredis connection not in subscriber
 * mode (the caller keeps owning it); `redisPrefix` must match the servers'.
 */
export function createRealtimePublisher(options: { redis: Redis; redisPrefix: string }): RealtimePublisher {
  const emitter = new Emitter<ServerToClientEvents>(options.redis, { key: adapterKey(options.redisPrefix) });
  return {
    publish(event, payload, target) {
      const rooms = roomsFor({ orgId: target.orgId, videoId: target.videoId ?? payload.videoId });
      // The emitter's typed signature cannot follow a generic event name; the map guarantees it.
      (emitter.to(rooms).emit as (ev: string, data: unknown) => boolean)(event, payload);
    },
    disconnectUser({ orgId, userId }) {
      emitter.in(userRoom(orgId, userId)).disconnectSockets(true);
    },
  };
}
