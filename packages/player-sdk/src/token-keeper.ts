import { Emitter } from './emitter.js';
import { ReelkitError } from './reelkit-error.js';

/** A token with its expiry (ISO string, epoch milliseconds or Date). */
export interface TokenGrant {
  token: string;
  expiresAt?: string | number | Date | null | undefined;
}

/**
 * Returns a fresh playback token for `videoId`: usually a call to your backend, which mints one
 * with `client.videos.createPlaybackToken`. May return the token alone when it is a JWT (its `exp`
 * is read) or a {@link TokenGrant}.
 */
export type GetToken = (videoId: string) => string | TokenGrant | Promise<string | TokenGrant>;

/** Epoch ms of a JWT's `exp` claim, or undefined when the token is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Epoch ms of a grant's expiry: explicit when given, else from the JWT. */
export function grantExpiry(grant: TokenGrant): number | undefined {
  const { expiresAt } = grant;
  if (expiresAt !== undefined && expiresAt !== null) {
    const ms =
      expiresAt instanceof Date
        ? expiresAt.getTime()
        : typeof expiresAt === 'number'
          ? expiresAt
          : Date.parse(expiresAt);
    if (Number.isFinite(ms)) return ms;
  }
  return jwtExpiry(grant.token);
}

/**
 * How long to wait before renewing a token that expires at `expiresAt`: `leadMs` ahead of expiry,
 * but never more than 30 % of the remaining lifetime ahead (a 20 s token is renewed after 14 s,
 * a 15 min token 30 s before its end), and at once when it has already expired.
 */
export function renewalDelay(expiresAt: number, now: number, leadMs = 30_000): number {
  const remaining = expiresAt - now;
  if (remaining <= 0) return 0;
  return Math.max(0, Math.round(remaining - Math.min(leadMs, remaining * 0.3)));
}

/** Events of a {@link TokenKeeper}. */
export interface TokenKeeperEvents {
  /** A new token is in use. */
  token: { token: string; expiresAt: number | undefined };
  /** Renewal failed and the current token has expired (or is about to). */
  error: ReelkitError;
}

/** Options of a {@link TokenKeeper}. */
export interface TokenKeeperOptions {
  videoId: string;
  token?: string | undefined;
  expiresAt?: TokenGrant['expiresAt'];
  getToken?: GetToken | undefined;
  /** Renew this long before expiry (default 30 s; see {@link renewalDelay}). */
  leadMs?: number;
  /** Waits before retrying a failed renewal (default 1 s, 2 s, 5 s, then every 10 s). */
  retryDelays?: number[];
}

/**
 * Holds the current playback token and renews it through `getToken` before it expires. Renewals
 * are deduplicated: any number of concurrent `renew()` calls share one `getToken` call.
 */
export class TokenKeeper extends Emitter<TokenKeeperEvents> {
  private current: string | undefined;
  private expiry: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<string> | undefined;
  private failures = 0;
  private destroyed = false;

  constructor(private readonly options: TokenKeeperOptions) {
    super();
    if (options.token) this.accept({ token: options.token, expiresAt: options.expiresAt });
  }

  /** The token in use, if any. */
  get token(): string | undefined {
    return this.current;
  }

  /** Epoch ms when the token in use expires, if known. */
  get expiresAt(): number | undefined {
    return this.expiry;
  }

  /** True when a fresh token can be fetched. */
  get canRenew(): boolean {
    return Boolean(this.options.getToken);
  }

  /** The current token, fetching one first when there is none yet (and `getToken` exists). */
  async get(): Promise<string | undefined> {
    if (this.current || !this.canRenew) return this.current;
    return this.renew();
  }

  /** Uses `grant` from now on (e.g. the expiry the playback answer reported) and reschedules. */
  accept(grant: TokenGrant): void {
    if (this.destroyed) return;
    const changed = grant.token !== this.current;
    this.current = grant.token;
    this.expiry = grantExpiry(grant);
    this.schedule();
    if (changed) this.emit('token', { token: grant.token, expiresAt: this.expiry });
  }

  /** Fetches a new token now (shared with any renewal already in flight). */
  renew(): Promise<string> {
    const getToken = this.options.getToken;
    if (!getToken)
      return Promise.reject(
        new ReelkitError('playback_token_expired', 'No getToken to renew the playback token'),
      );
    this.inflight ??= (async () => {
      try {
        const got = await getToken(this.options.videoId);
        const grant = typeof got === 'string' ? { token: got } : got;
        if (!grant?.token) throw new ReelkitError('invalid_response', 'getToken returned no token');
        this.failures = 0;
        this.accept(grant);
        return grant.token;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  /** Stops renewing. */
  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.removeAllListeners();
  }

  private schedule(delay?: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.destroyed || !this.canRenew || this.expiry === undefined) return;
    const wait = delay ?? renewalDelay(this.expiry, Date.now(), this.options.leadMs);
    // Timers above 2^31-1 ms fire at once; a token that long-lived needs no renewal today.
    if (wait > 2_147_483_647) return;
    this.timer = setTimeout(() => {
      this.renew().catch((err: unknown) => {
        const delays = this.options.retryDelays ?? [1000, 2000, 5000, 10_000];
        const retryIn = delays[Math.min(this.failures++, delays.length - 1)]!;
        if (this.expiry !== undefined && Date.now() + retryIn >= this.expiry) {
          this.emit('error', ReelkitError.from(err));
        }
        this.schedule(retryIn);
      });
    }, wait);
  }
}
