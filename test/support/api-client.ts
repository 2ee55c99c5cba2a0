// Talking to a running API over HTTP, as a client would: JSON calls, sign-up, invitations, cookies,
// uploads. No vitest here, so benchmarks (bench/) use it as the tests do.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

/** A port that was free a moment ago (for a server that must know its URL before listening). */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
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

/** Uploads a file with one multipart `POST /v1/videos`; returns the new video's id. */
export async function uploadVideo(base: string, token: string, file: string, title: string): Promise<string> {
  const form = new FormData();
  form.set('title', title);
  form.set('file', new Blob([new Uint8Array(await readFile(file))]), 'clip.mp4');
  const res = await call(base, 'POST', '/v1/videos', { token, body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** Polls `GET /v1/videos/:id` until its status is one of `statuses`; returns the video. */
export async function pollVideoStatus(
  base: string,
  token: string,
  id: string,
  statuses: string[],
  timeoutMs: number,
): Promise<CallResult['body']> {
  const until = Date.now() + timeoutMs;
  let last: CallResult | undefined;
  while (Date.now() < until) {
    last = await call(base, 'GET', `/v1/videos/${id}`, { token });
    if (statuses.includes(last.body?.status)) return last.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`video ${id} never reached ${statuses.join('/')}: ${JSON.stringify(last?.body)}`);
}

/** A GET whose path is sent exactly as written (fetch would normalise `..` and `%2F`). */
export function rawGet(base: string, path: string): Promise<{ status: number; body: Buffer }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
