import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import { createStorage, type Storage } from '@reelkit/storage';
import Koa from 'koa';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { apiKeyRoutes } from './api-keys/routes.js';
import { createAuthService } from './auth/auth-service.js';
import { cookieNames, csrfGuard } from './auth/cookies.js';
import { createSessionRevocations } from './auth/session-revocations.js';
import { authRoutes } from './auth/routes.js';
import { createTokenService, type TokenService } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import { healthRoutes } from './health/routes.js';
import { authorize, createAuthenticate } from './http/authenticate.js';
import { cors } from './http/cors.js';
import { mountRoutes, type RouteSpec } from './http/define-route.js';
import { errorDocsRoutes } from './error-docs/index.js';
import { errorHandler } from './http/error-handler.js';
import { createRateLimiter, rateLimitByIp } from './http/rate-limit.js';
import { requestId } from './http/request-id.js';
import { slowRequestLog } from './http/slow-request-log.js';
import { securityHeaderList, securityHeaders } from './http/security-headers.js';
import type { Logger } from './logger.js';
import { createAccountModels, type AccountModels } from './models.js';
import { orgRoutes } from './orgs/routes.js';
import { createPlaybackTokens, type PlaybackTokens } from './playback/playback-tokens.js';
import { playbackRoutes } from './playback/routes.js';
import { createVideoModel } from './videos/video-model.js';
import { createCatalogueMaintainer, type CatalogueMaintainer } from './videos/catalogue-maintainer.js';
import { catalogueAdminRoutes } from './videos/catalogue-routes.js';
import { createStorageJanitor, type StorageJanitor } from './videos/storage-janitor.js';
import { createUploadSweeper, type UploadSweeper } from './videos/upload-sweeper.js';
import { createVideoService } from './videos/video-service.js';
import { deliveryOffloadOf } from './videos/stream-file.js';
import { createTranscodeQueue, videoRoutes, type TranscodeQueue } from './videos/index.js';
import {
  createTranscodeResults,
  type TranscodeResults,
  type VideoChange,
} from './pipeline/transcode-results.js';
import { adminQueueRoutes } from './pipeline/admin-routes.js';
import { createDubResults } from './pipeline/dub-results.js';
import { createAudioGroupWriter } from './videos/audio-group-writer.js';
import { createStorageFullRetry, type StorageFullRetry } from './pipeline/storage-full-retry.js';
import { createMetrics, metricsRoute, type Metrics } from './metrics/metrics.js';
import {
  createRealtimePublisher,
  createVideoChangeAnnouncer,
  type VideoLifecycleChange,
} from './events/index.js';
import { createWebhooks, type Webhooks } from './webhooks/index.js';
import { embedRoutes } from './embed/index.js';
import { openApiRoutes } from './openapi/index.js';
import { dashboardRoutes } from './dashboard/index.js';
import { createLock } from './redis-lock.js';
import { userRoutes } from './users/routes.js';
import { allowedMethods } from './http/allowed-methods.js';
import { tusMethodOverride } from './videos/tus-routes.js';

export interface AppDeps {
  config: ServerConfig;
  logger: Logger;
  db: Connection;
  redis: Redis;
  /** PATH used to find ffprobe for readiness; main passes the process's. */
  searchPath?: string;
  /** Clock for tokens and rate limits (tests control it); defaults to Date.now. */
  now?: () => number;
  /** Where video bytes live; defaults to the driver STORAGE names (`createStorage`). */
  storage?: Storage;
  /** Playback token signer/verifier; defaults to one on PLAYBACK_KEYS (benchmarks swap it). */
  playbackTokens?: PlaybackTokens;
  /** Folder of the built `<reelkit-player>` bundle (default packages/embed/dist). */
  embedDistDir?: string;
  /** Folder of the built admin dashboard, served at `/` when given (main passes it). */
  dashboardDir?: string;
  /**
   * Refuse access tokens of ended sessions (default true). `false` only for the benchmark that
   * measures what the check costs (bench/auth-session.ts).
   */
  checkSessionRevocation?: boolean;
  /** Told about every video change applied by this instance (realtime events, webhooks). */
  onVideoChange?: (change: VideoChange) => void | Promise<void>;
}

export interface ReelkitApp {
  app: Koa;
  /** Every `/v1` route as data: the security tests and the API docs are generated from it. */
  routes: readonly RouteSpec[];
  models: AccountModels;
  tokens: TokenService;
  /** Signs and verifies playback tokens (also used by the realtime handshake). */
  playbackTokens: PlaybackTokens;
  storage: Storage;
  queue: TranscodeQueue;
  /** Applies transcode progress and results; `start()` it once the app serves (main does). */
  results: TranscodeResults;
  /** Removes expired resumable uploads; `start()` it once the app serves (main does). */
  uploads: UploadSweeper;
  /** Removes video folders no document owns (crash leftovers); `start()` it (main does). */
  janitor: StorageJanitor;
  /** Queues again the videos that failed on a full volume (`storage_full`). */
  storageFull: StorageFullRetry;
  /** Rebuilds the catalogue index when it is not ready and reconciles it; `start()` it (main does). */
  catalogue: CatalogueMaintainer;
  metrics: Metrics;
  /** Webhook endpoints, their delivery queue and worker (`startWorker()` in main). */
  webhooks: Webhooks;
  /** Announces a video change: realtime events to every instance's sockets and webhook events. */
  announce: (change: VideoLifecycleChange) => Promise<void>;
}

const MINUTE = 60_000;

/** The origins allowed to call the API from a browser with credentials. */
export function allowedOriginsOf(config: ServerConfig): Set<string> {
  return new Set([
    new URL(config.PUBLIC_URL).origin,
    new URL(config.DASHBOARD_URL).origin,
    ...config.CORS_ORIGINS,
  ]);
}

/**
 * Builds the Koa app from its dependencies. Opens nothing and listens on nothing. Middleware, in
 * order: request id → problem+json errors → signed delivery (`/v1/play/…`, which needs nothing
 * further: `playback/fast-path.ts`) → security headers → CORS → per-IP rate limit → CSRF
 * guard for cookie sessions → (per route) body limit and parsing → zod validation → authenticate (+ per-user/key rate limit) →
 * authorize(role) → handler, which loads org-scoped documents.
 */
export async function createApp(deps: AppDeps): Promise<ReelkitApp> {
  const { config } = deps;
  const production = config.NODE_ENV === 'production';
  const now = deps.now ?? Date.now;
  const models = await createAccountModels(deps.db);
  const tokens = createTokenService({
    secret: config.JWT_SECRET,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_S,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_S,
    now,
  });
  const playbackTokens = deps.playbackTokens ?? createPlaybackTokens({ keyring: config.PLAYBACK_KEYS, now });
  const cookies = cookieNames(production);
  const allowedOrigins = allowedOriginsOf(config);
  const limiter = createRateLimiter(deps.redis, config.REDIS_PREFIX, now);
  const withLock = createLock(deps.redis, config.REDIS_PREFIX);
  const queue = createTranscodeQueue({ connection: deps.redis, prefix: config.REDIS_PREFIX });
  // Without a listener, a Redis error seen by the queue (e.g. its connection closing while the
  // server shuts down) would be an unhandled 'error' event and crash the process.
  queue.on('error', (err) => deps.logger.warn({ err }, 'transcode queue: redis error'));
  const metrics = createMetrics(queue);
  const revocations = createSessionRevocations({
    redis: deps.redis,
    redisPrefix: config.REDIS_PREFIX,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_S,
    now,
  });
  const auth = createAuthService({
    models,
    tokens,
    revocations,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_S,
    reuseGraceSeconds: config.REFRESH_REUSE_GRACE_S,
    withLock,
    now,
  });
  const authenticate = createAuthenticate({
    models,
    tokens,
    cookies,
    limiter,
    limit: { max: config.RATE_LIMIT_API_PER_MIN, windowMs: MINUTE },
    ...(deps.checkSessionRevocation === false ? {} : { revocations }),
  });

  const storage = deps.storage ?? createStorage(config);
  const Video = createVideoModel(deps.db);
  await Video.init();
  const playback = playbackRoutes({
    Video,
    Org: models.Org,
    storage,
    playbackTokens,
    publicUrl: config.PUBLIC_URL,
    defaultTtlSeconds: config.PLAYBACK_TOKEN_TTL_S,
    maxTtlSeconds: config.PLAYBACK_TOKEN_MAX_TTL_S,
    authenticate,
    offload: deliveryOffloadOf(config, storage),
    hotCacheBytes: config.DELIVERY_CACHE_MB * 1024 * 1024,
    observeHttp: metrics.observeHttp,
    now,
  });

  const app = new Koa({ proxy: config.TRUST_PROXY });
  // The hot path of delivery is answered before Koa builds a context: every listener made from
  // `app.callback()` (listen.ts, `app.listen`, tests) first offers the request to the front, which
  // hands Koa everything it does not answer itself (refusals included).
  const deliveryFront = playback.front(securityHeaderList({ production }));
  const koaCallback = app.callback.bind(app);
  const answered = Promise.resolve();
  app.callback = () => {
    const koa = koaCallback();
    return (req, res) => {
      deliveryFront(req as IncomingMessage, res as ServerResponse, koa);
      return answered;
    };
  };
  app.silent = true; // errors are logged by errorHandler, with the request id
  app.use(metrics.httpMiddleware);
  app.use(requestId());
  app.use(slowRequestLog({ logger: deps.logger }));
  app.use(
    errorHandler({
      logger: deps.logger,
      development: config.NODE_ENV === 'development',
      publicUrl: config.PUBLIC_URL,
    }),
  );
  // Signed segments, playlists and images: the hot path, answered before the API's chain.
  app.use(playback.fastPath(securityHeaderList({ production })));
  app.use(securityHeaders({ production }));
  app.use(cors(allowedOrigins));

  const health = healthRoutes({
    db: deps.db,
    redis: deps.redis,
    ffprobePath: config.FFPROBE_PATH,
    ...(deps.searchPath !== undefined ? { searchPath: deps.searchPath } : {}),
  });
  app.use(health.routes());
  app.use(metricsRoute(metrics, config.METRICS_TOKEN));
  // Exempt: token-gated delivery, and the embed script, pages and oEmbed, which one CDN or office
  // address fetches for many viewers.
  app.use(
    rateLimitByIp(limiter, 'ip', { max: config.RATE_LIMIT_IP_PER_MIN, windowMs: MINUTE }, [
      '/v1/play/',
      '/embed/',
      '/oembed',
    ]),
  );
  app.use(csrfGuard(cookies, allowedOrigins));

  const storageFull = createStorageFullRetry({
    Video,
    queue,
    withLock,
    logger: deps.logger,
    everyMs: config.STORAGE_FULL_RETRY_S * 1000,
  });
  const videoService = createVideoService({
    Video,
    storage,
    queue,
    redis: deps.redis,
    redisPrefix: config.REDIS_PREFIX,
    logger: deps.logger,
  });
  const catalogue = createCatalogueMaintainer({
    Video,
    redis: deps.redis,
    prefix: config.REDIS_PREFIX,
    logger: deps.logger,
  });

  const webhooks = createWebhooks({ db: deps.db, redis: deps.redis, config, logger: deps.logger });
  const publisher = createRealtimePublisher({ redis: deps.redis, redisPrefix: config.REDIS_PREFIX });
  const announce = createVideoChangeAnnouncer({
    publisher,
    enqueueWebhookEvent: webhooks.enqueueWebhookEvent,
  });

  const videos = videoRoutes({
    config,
    db: deps.db,
    redis: deps.redis,
    storage,
    queue,
    authenticate,
    authorize,
    authenticatePlayback: playback.authenticateFile,
    logger: deps.logger,
    now,
    announce,
  });

  const api = new Router();
  // OPTIONS answers (tus capabilities, delivery preflight) first, so allowedMethods does not take them.
  videos.preflight(api);
  playback.preflight(api);
  const routes = mountRoutes(
    api,
    [
      ...authRoutes({
        auth,
        models,
        cookies,
        production,
        limiter,
        limits: {
          ip: { max: config.RATE_LIMIT_AUTH_IP_PER_MIN, windowMs: MINUTE },
          account: { max: config.RATE_LIMIT_AUTH_ACCOUNT_PER_MIN, windowMs: MINUTE },
        },
      }),
      ...userRoutes({
        models,
        auth,
        dashboardUrl: config.DASHBOARD_URL,
        inviteTtlSeconds: config.INVITE_TTL_S,
        disconnectUser: publisher.disconnectUser,
      }),
      ...orgRoutes({ models }),
      ...apiKeyRoutes({ models }),
      ...videos.defs,
      ...playback.defs,
      ...adminQueueRoutes({ queue, Video, storageFull }),
      ...catalogueAdminRoutes({ index: catalogue.index, aggregateStats: videoService.aggregateStats }),
      ...webhooks.routes,
    ],
    { authenticate, authorize, jsonLimit: config.JSON_BODY_LIMIT },
  );
  app.use(tusMethodOverride());
  app.use(api.routes());
  // A known path with another method, or a method nobody knows (TRACE…), is a 405 with `Allow`
  // and a problem code, instead of koa-router's bare 405/501 taken for an internal error.
  app.use(allowedMethods(api));
  app.use(
    embedRoutes({
      Video,
      Org: models.Org,
      playbackTokens,
      publicUrl: config.PUBLIC_URL,
      tokenTtlSeconds: config.PLAYBACK_TOKEN_TTL_S,
      requireBundle: production,
      ...(deps.embedDistDir ? { distDir: deps.embedDistDir } : {}),
    }).routes(),
  );

  app.use(openApiRoutes({ routes, serverUrl: config.PUBLIC_URL }).routes());
  app.use(errorDocsRoutes().routes());
  if (deps.dashboardDir) app.use(dashboardRoutes({ distDir: deps.dashboardDir }).routes());

  const dubs = createDubResults({
    Video,
    queue,
    writer: createAudioGroupWriter({ Video, storage, redis: deps.redis, prefix: config.REDIS_PREFIX }),
    logger: deps.logger,
    now,
    onUpdated: (video) =>
      announce({ type: 'updated', video, changes: ['audioTracks'], at: video.updatedAt.getTime() }),
  });
  const results = createTranscodeResults({
    Video,
    queue,
    dubs,
    redis: deps.redis,
    prefix: config.REDIS_PREFIX,
    storage,
    withLock,
    logger: deps.logger,
    onChange: async (change) => {
      if (change.type === 'ready') metrics.jobDuration.observe(change.result.durations.total / 1000);
      if (change.type === 'failed') metrics.failures.inc({ code: change.failure.code });
      await announce(change);
      await deps.onVideoChange?.(change);
    },
  });
  const uploads = createUploadSweeper({
    Video,
    discard: videoService.discard,
    announce,
    logger: deps.logger,
    now,
  });
  const janitor = createStorageJanitor({ Video, storage, logger: deps.logger, now });
  return {
    app,
    routes,
    models,
    tokens,
    playbackTokens,
    storage,
    queue,
    results,
    uploads,
    janitor,
    storageFull,
    catalogue,
    metrics,
    webhooks,
    announce,
  };
}
