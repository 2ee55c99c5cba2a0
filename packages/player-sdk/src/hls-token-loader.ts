import type {
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from 'hls.js';
import { withPlaybackToken } from './playback-url.js';

/** What the loader needs from the player's token keeper. */
export interface TokenSource {
  /** The token to put into every request URL now. */
  readonly token: string | undefined;
  readonly canRenew: boolean;
  /** Fetches a fresh token (shared with a renewal already in flight). */
  renew(): Promise<string>;
}

type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;

/**
 * An hls.js loader class that wraps `Base` (hls.js's own loader): every playlist, init segment and
 * segment URL gets the newest playback token put into its path before it is requested, so a renewed
 * token applies to the next request without reloading anything. A 403 answered for a URL carrying
 * the newest token triggers one renewal and one retry before hls.js sees the error.
 */
export function createTokenLoader(Base: LoaderClass, tokens: TokenSource): LoaderClass {
  return class TokenLoader implements Loader<LoaderContext> {
    private inner: Loader<LoaderContext>;
    private aborted = false;

    constructor(private readonly config: HlsConfig) {
      this.inner = new Base(config);
    }

    get context(): LoaderContext | null {
      return this.inner.context;
    }

    get stats(): LoaderStats {
      return this.inner.stats;
    }

    load(
      context: LoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<LoaderContext>,
    ): void {
      const original = context.url;
      const attempt = (retried: boolean) => {
        const used = tokens.token;
        context.url = used ? withPlaybackToken(original, used) : original;
        this.inner.load(context, config, {
          ...callbacks,
          onError: (error, ctx, details, stats) => {
            if (
              error.code !== 403 ||
              retried ||
              this.aborted ||
              (!tokens.canRenew && tokens.token === used)
            ) {
              callbacks.onError(error, ctx, details, stats);
              return;
            }
            // A loader runs once: retry with a fresh one, after a renewal unless one already happened.
            const fresh = tokens.token !== used ? Promise.resolve(tokens.token) : tokens.renew();
            fresh.then(
              () => {
                if (this.aborted) return;
                this.inner.destroy();
                this.inner = new Base(this.config);
                attempt(true);
              },
              () => callbacks.onError(error, ctx, details, stats),
            );
          },
        });
      };
      attempt(false);
    }

    abort(): void {
      this.aborted = true;
      this.inner.abort();
    }

    destroy(): void {
      this.aborted = true;
      this.inner.destroy();
    }

    getCacheAge(): number | null {
      return this.inner.getCacheAge?.() ?? null;
    }

    getResponseHeader(name: string): string | null {
      return this.inner.getResponseHeader?.(name) ?? null;
    }
  };
}
