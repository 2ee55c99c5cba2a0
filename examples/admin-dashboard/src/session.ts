// How the dashboard authenticates. The page is served by the API itself (same origin), and:
// - the access token from the JSON answer of login/sign-up/refresh is kept in memory only and sent
//   as `Authorization: Bearer` on every API call and in the socket.io handshake — so no API call
//   needs a CSRF token, and a token never lands in localStorage;
// - the refresh token stays in its httpOnly cookie (`rk_refresh`); after a reload, and shortly
//   before the access token expires, `POST /v1/auth/refresh` rotates it. That request carries the
//   cookie and no Authorization header, so it sends `X-CSRF-Token` = the `rk_csrf` cookie.
import { ReelkitClient, ReelkitError } from '@reelkit/player-sdk';
import type { Me, Org, Role, Session as SessionAnswer, User } from '@reelkit/protocol';

// The API's shapes are the protocol's response schemas' types (never re-declared here).
export type { Me, Org, Role, User };
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** The value of a cookie readable by script (`rk_csrf`, `__Host-rk_csrf` in production). */
function readCookie(...names: string[]): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k && names.includes(k)) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** A problem+json answer as an Error with the API's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function problemOf(res: Response): Promise<ApiError> {
  let body: {
    code?: string;
    detail?: string;
    title?: string;
    errors?: Array<{ path: string; message: string }>;
  } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not problem+json
  }
  const fields = body.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
  return new ApiError(
    res.status,
    body.code ?? `http_${res.status}`,
    fields || body.detail || body.title || res.statusText,
  );
}

type Listener = () => void;

/** The signed-in member, their access token and API helpers. One per page. */
export class Session {
  readonly apiBase: string;
  me: Me | null = null;
  private accessToken: string | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();
  /** The SDK's client: videos, tus uploads, playback tokens, live events. */
  readonly client: ReelkitClient;

  constructor(apiBase = location.origin) {
    this.apiBase = apiBase;
    this.client = new ReelkitClient({ apiBase, token: () => this.accessToken ?? undefined });
  }

  /** Called whenever the member signs in or out (or their role changed). */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get signedIn(): boolean {
    return this.me !== null;
  }

  get token(): string | null {
    return this.accessToken;
  }

  /** True when the member's role is at least `role` (the server enforces the same). */
  can(role: Role): boolean {
    return this.me !== null && RANK[this.me.role] >= RANK[role];
  }

  /** After a reload: the refresh cookie, if any, gives a new access token. */
  async resume(): Promise<boolean> {
    if (!(await this.refresh())) return false;
    await this.loadMe();
    return true;
  }

  async login(email: string, password: string): Promise<void> {
    await this.start(await this.post('/v1/auth/login', { email, password }));
  }

  async signup(input: { orgName: string; name: string; email: string; password: string }): Promise<void> {
    await this.start(await this.post('/v1/auth/signup', input));
  }

  async acceptInvite(token: string, password: string, name: string): Promise<void> {
    await this.start(await this.post('/v1/auth/accept-invite', { token, password, name }));
  }

  async logout(): Promise<void> {
    clearTimeout(this.refreshTimer);
    try {
      await this.cookieCall('/v1/auth/logout');
    } finally {
      this.accessToken = null;
      this.me = null;
      this.emit();
    }
  }

  /** Reloads `/v1/me` (the role may have changed). */
  async loadMe(): Promise<Me> {
    this.me = await this.request<Me>('GET', '/v1/me');
    this.emit();
    return this.me;
  }

  /**
   * One API call with the access token: `body` goes as JSON, or as multipart/form-data when it is
   * a `FormData`. A `token_expired` answer refreshes once and retries, so a laptop that slept past
   * the token's expiry carries on.
   */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const multipart = body instanceof FormData;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
      if (body !== undefined && !multipart) headers['content-type'] = 'application/json';
      const res = await fetch(`${this.apiBase}${path}`, {
        method,
        headers,
        credentials: 'omit',
        ...(body !== undefined ? { body: multipart ? body : JSON.stringify(body) } : {}),
      });
      if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
      const error = await problemOf(res);
      if (attempt === 0 && res.status === 401 && (await this.refresh())) continue;
      if (res.status === 401 && this.me) {
        this.me = null;
        this.accessToken = null;
        this.emit();
      }
      throw error;
    }
  }

  /** The message of any error, for the UI. */
  /** Runs an action; answers '' when it succeeds, or its readable error (for a view's `error`). */
  static async attempt(action: () => Promise<unknown>): Promise<string> {
    try {
      await action();
      return '';
    } catch (err) {
      return Session.messageOf(err);
    }
  }

  static messageOf(err: unknown): string {
    if (err instanceof ApiError || err instanceof ReelkitError) return `${err.message} (${err.code})`;
    return err instanceof Error ? err.message : String(err);
  }

  private async post(path: string, body: unknown): Promise<SessionAnswer> {
    const res = await fetch(`${this.apiBase}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin', // so the session cookies are stored
      body: JSON.stringify(body),
    });
    if (!res.ok) throw await problemOf(res);
    return (await res.json()) as SessionAnswer;
  }

  /** A cookie-authenticated POST (refresh, logout): needs the CSRF proof. */
  private cookieCall(path: string): Promise<Response> {
    return fetch(`${this.apiBase}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': readCookie('rk_csrf', '__Host-rk_csrf') ?? '',
      },
      credentials: 'same-origin',
      body: '{}',
    });
  }

  private async start(answer: SessionAnswer): Promise<void> {
    this.adopt(answer);
    await this.loadMe();
  }

  private adopt(answer: SessionAnswer): void {
    this.accessToken = answer.accessToken;
    clearTimeout(this.refreshTimer);
    // Refresh a minute before expiry (at least 10 s from now).
    const delay = Math.max(10_000, Date.parse(answer.accessTokenExpiresAt) - Date.now() - 60_000);
    this.refreshTimer = setTimeout(() => void this.refresh(), delay);
  }

  /** Rotates the refresh cookie; false when there is no session (any more). */
  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        if (!readCookie('rk_csrf', '__Host-rk_csrf')) return false;
        const res = await this.cookieCall('/v1/auth/refresh');
        if (!res.ok) return false;
        this.adopt((await res.json()) as SessionAnswer);
        return true;
      } catch {
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
