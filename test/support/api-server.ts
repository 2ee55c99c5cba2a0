// A real API server on a free port, wired to the run's database and Redis, for integration tests.
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { pino } from 'pino';
import {
  connectDatabase,
  createApp,
  createRedis,
  listen,
  loadServerConfig,
  type ReelkitApp,
  type RunningServer,
  type ServerConfig,
} from '../../packages/server/src/index.js';
import { attachRealtime, type Realtime } from '../../packages/server/src/events/index.js';
import { stackEnv } from './stack-env.js';

export interface TestApi {
  url: string;
  config: ServerConfig;
  reelkit: ReelkitApp;
  db: Connection;
  redis: Redis;
  /** Every log line the server wrote (JSON strings). */
  logs: string[];
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** The server's clock. */
  now?: () => number;
  /**
   * Serve as `npm start` does: socket.io attached, transcode results and progress applied, and
   * `PUBLIC_URL` (unless given in `env`) set to the address it listens on, so the signed URLs in
   * playback descriptors point at this server. Off by default.
   */
  complete?: boolean;
  /** Folder of the `<reelkit-player>` bundle the app serves (default packages/embed/dist). */
  embedDistDir?: string;
}

/** A port that was free a moment ago (for a server that must know its URL before listening). */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startTestApi(
  env: Record<string, string> = {},
  options: TestApiOptions = {},
): Promise<TestApi> {
  const stack = stackEnv();
  const port = options.complete ? await freePort() : 0;
  const config = loadServerConfig({
    ...stack,
    PORT: String(port),
    ...(options.complete ? { HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    LOG_LEVEL: 'debug',
    // Tests make many requests from one IP; limits are tested on their own with low values.
    RATE_LIMIT_AUTH_IP_PER_MIN: '100000',
    RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '100000',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = pino({ level: 'debug', name: 'test-server' }, sink);
  const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, 'test-api');
  const reelkit = await createApp({
    config,
    logger,
    db,
    redis,
    searchPath: process.env.PATH ?? '',
    ...(options.now ? { now: options.now } : {}),
    ...(options.embedDistDir ? { embedDistDir: options.embedDistDir } : {}),
  });
  const running: RunningServer = await listen(reelkit.app, port, '127.0.0.1');
  let realtime: Realtime | undefined;
  if (options.complete) {
    realtime = attachRealtime({ server: running.server, reelkit, db, redis, config, logger });
    await reelkit.results.start();
  }
  return {
    url: running.url,
    config,
    reelkit,
    db,
    redis,
    logs,
    async close() {
      if (options.complete) {
        // As main.ts stops: sockets first, then HTTP, then the results applier.
        await realtime?.close();
        await running.close(1000);
        await reelkit.results.close();
      } else await running.close(1000);
      redis.disconnect();
      await db.close();
    },
  };
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw Cookie header. */
  cookie?: string;
}

export interface CallResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  headers: Headers;
  text: string;
}

/** One HTTP call with JSON in and out. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | FormData | Uint8Array | undefined;
  if (options.body instanceof FormData || options.body instanceof Uint8Array) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: body as BodyInit } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

let counter = 0;
/** A unique email for this run. */
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

export interface Member {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

/** Signs up a new organisation; returns its admin. */
export async function signup(base: string, orgName = 'Acme'): Promise<Member & { orgId: string }> {
  const email = uniqueEmail('admin');
  const res = await call(base, 'POST', '/v1/auth/signup', {
    body: { orgName, name: 'Ada Admin', email, password: PASSWORD },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return {
    id: res.body.user.id,
    orgId: res.body.org.id,
    email,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

/** Invites a member with a role and accepts the invitation; returns the logged-in member. */
export async function addMember(
  base: string,
  adminToken: string,
  role: 'viewer' | 'editor' | 'admin',
): Promise<Member> {
  const email = uniqueEmail(role);
  const invite = await call(base, 'POST', '/v1/users', { token: adminToken, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const accepted = await call(base, 'POST', '/v1/auth/accept-invite', {
    body: { token: invite.body.inviteToken, password: PASSWORD, name: `${role} member` },
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
  return {
    id: accepted.body.user.id,
    email,
    accessToken: accepted.body.accessToken,
    refreshToken: accepted.body.refreshToken,
  };
}

/** Cookies from Set-Cookie headers as a Cookie header value (name=value; ...). */
export function cookieHeader(res: CallResult): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='))
    .join('; ');
}

export function cookieValue(res: CallResult, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const [k, ...v] = pair!.split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
