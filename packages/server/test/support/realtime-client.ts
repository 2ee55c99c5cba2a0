// socket.io clients for realtime tests: connect with a token, record every event, wait for one.
import type { ClientToServerEvents, ServerToClientEvents } from '@reelkit/protocol';
import { io, type Socket } from 'socket.io-client';

export type RealtimeClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Recorded {
  event: string;
  payload: unknown;
}

export interface TestClient {
  socket: RealtimeClient;
  /** Every event received, in order (including `video:state`). */
  events: Recorded[];
  /** Resolves with the first recorded event matching `pred`, waiting up to `timeoutMs`. */
  waitFor(pred: (e: Recorded) => boolean, timeoutMs?: number): Promise<Recorded>;
  close(): void;
}

/** Opens a websocket-only client without reconnection; resolves once connected. */
export function connectClient(
  url: string,
  token: string | undefined,
  options: { origin?: string } = {},
): Promise<TestClient> {
  const socket: RealtimeClient = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
    ...(token !== undefined ? { auth: { token } } : {}),
    ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
  });
  const events: Recorded[] = [];
  const waiters = new Set<() => void>();
  socket.onAny((event: string, payload: unknown) => {
    events.push({ event, payload });
    for (const w of waiters) w();
  });
  const client: TestClient = {
    socket,
    events,
    waitFor(pred, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The `err.data.code` of a refused connection. */
export async function connectErrorCode(
  url: string,
  token: string | undefined,
  origin?: string,
): Promise<string> {
  try {
    const c = await connectClient(url, token, origin ? { origin } : {});
    c.close();
    return 'connected';
  } catch (err) {
    return (err as { data?: { code?: string } }).data?.code ?? `no code: ${(err as Error).message}`;
  }
}
