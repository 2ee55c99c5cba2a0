// socket.io clients of the soak, each following its organisation's events through one API, with
// reconnection on (as the SDK does). Each keeps what it believes of every video: the `video:state`
// snapshot sent on each (re)connection lists the unfinished ones, so a video the client thought
// unfinished that is absent from a later snapshot has finished while it was away. At the end, a
// video the API shows finished but a client still believes unfinished is an event MISSED.
import type { VideoStateEvent } from '@reelkit/protocol';
import { io, type Socket } from 'socket.io-client';
import type { Org } from './world.js';

type Belief = 'unfinished' | 'finished';

interface Follower {
  socket: Socket;
  org: Org;
  beliefs: Map<string, Belief>;
  reconnects: number;
  connected: boolean;
  /** Handshakes refused, by code. */
  refusals: Record<string, number>;
}

export interface SocketFigures {
  clients: number;
  /** Clients connected when asked. */
  connected: number;
  reconnects: number;
  /** Clients that reconnected at least once. */
  reconnectedClients: number;
  /** (client, video) pairs where the client still believes a finished video unfinished. */
  missed: number;
  /** Of those, on clients that never reconnected (so no reconnect snapshot could cover them). */
  missedWithoutReconnect: number;
  /** Handshakes refused (connect_error), by code. */
  refusals: Record<string, number>;
}

export interface SocketCrowd {
  figures(finished: Map<string, string>): SocketFigures;
  close(): void;
}

function follow(url: string, org: Org, closed: { value: boolean }): Follower {
  const socket = io(url, {
    auth: { token: org.token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.5,
  });
  const f: Follower = { socket, org, beliefs: new Map(), reconnects: 0, connected: false, refusals: {} };
  socket.on('connect', () => (f.connected = true));
  socket.on('disconnect', () => (f.connected = false));
  socket.io.on('reconnect', () => (f.reconnects += 1));
  // A handshake the server refused (socket.io-client does not retry those by itself): as the SDK
  // does for `service_unavailable` / `internal_error`, come back after a while.
  socket.on('connect_error', (err: Error & { data?: { code?: string; retryAfter?: number } }) => {
    const code = err.data?.code ?? 'transport';
    f.refusals[code] = (f.refusals[code] ?? 0) + 1;
    if (!socket.active && !closed.value)
      setTimeout(
        () => !closed.value && socket.connect(),
        (err.data?.retryAfter ?? 1) * 1000 + Math.random() * 1000,
      );
  });
  socket.on('video:state', (state: VideoStateEvent) => {
    const listed = new Set(state.videos.map((v) => v.videoId));
    for (const [id, belief] of f.beliefs)
      if (belief === 'unfinished' && !listed.has(id)) f.beliefs.set(id, 'finished');
    // Monotone, as docs/realtime.md asks of clients: a live event can arrive just before the
    // snapshot and be newer than it, so a snapshot never moves a finished video back.
    for (const v of state.videos)
      if (f.beliefs.get(v.videoId) !== 'finished')
        f.beliefs.set(v.videoId, v.status === 'ready' || v.status === 'failed' ? 'finished' : 'unfinished');
  });
  const unfinished = (e: { videoId: string }) => {
    if (f.beliefs.get(e.videoId) !== 'finished') f.beliefs.set(e.videoId, 'unfinished');
  };
  socket.on('video:created', unfinished);
  socket.on('video:progress', unfinished);
  socket.on('video:ready', (e: { videoId: string }) => f.beliefs.set(e.videoId, 'finished'));
  socket.on('video:failed', (e: { videoId: string }) => f.beliefs.set(e.videoId, 'finished'));
  socket.on('video:deleted', (e: { videoId: string }) => f.beliefs.delete(e.videoId));
  return f;
}

/**
 * Opens `count` clients spread over the APIs and organisations, a batch at a time, and resolves
 * once all connected (or `budgetMs` passed).
 */
export async function startSockets(
  apis: string[],
  orgs: Org[],
  count: number,
  budgetMs = 60_000,
): Promise<SocketCrowd> {
  const followers: Follower[] = [];
  const closed = { value: false };
  for (let i = 0; i < count; i++) {
    followers.push(follow(apis[i % apis.length]!, orgs[Math.floor(i / apis.length) % orgs.length]!, closed));
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 200));
  }
  const end = Date.now() + budgetMs;
  while (Date.now() < end && followers.some((f) => !f.connected))
    await new Promise((r) => setTimeout(r, 200));
  return {
    figures(finished) {
      let missed = 0;
      let missedWithoutReconnect = 0;
      for (const f of followers)
        for (const [id, belief] of f.beliefs)
          if (belief === 'unfinished' && finished.get(id) === f.org.id) {
            missed += 1;
            if (f.reconnects === 0) missedWithoutReconnect += 1;
          }
      return {
        clients: followers.length,
        connected: followers.filter((f) => f.connected).length,
        reconnects: followers.reduce((n, f) => n + f.reconnects, 0),
        reconnectedClients: followers.filter((f) => f.reconnects > 0).length,
        missed,
        missedWithoutReconnect,
        refusals: followers.reduce<Record<string, number>>((all, f) => {
          for (const [code, n] of Object.entries(f.refusals)) all[code] = (all[code] ?? 0) + n;
          return all;
        }, {}),
      };
    },
    close() {
      closed.value = true;
      for (const f of followers) f.socket.close();
    },
  };
}
