import { JOB_STATES, QUEUES } from '@reelkit/protocol';
import type { Queue } from 'bullmq';
import type { Middleware } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { JOB_STATES };

/**
 * Prometheus metrics of one server process: HTTP request durations, the transcode queue's depth by
 * state (read from Redis at scrape time, so every instance reports the same queue), job durations
 * and failures by code (counted by the instance that applied the result), plus Node's defaults.
 */
export function createMetrics(queue: Queue) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reelkit_' });
  const httpDuration = new Histogram({
    name: 'reelkit_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'reelkit_queue_jobs',
    help: 'Jobs in the transcode queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) this.set({ queue: QUEUES.transcode, state }, counts[state] ?? 0);
    },
  });
  const jobDuration = new Histogram({
    name: 'reelkit_transcode_job_duration_seconds',
    help: 'Wall time of completed transcode jobs, from start to finish',
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 3600],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'reelkit_transcode_failures_total',
    help: 'Videos that ended failed, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  /** Times every request; the route label is the matched route pattern, never the raw path. */
  const httpMiddleware: Middleware = async (ctx, next) => {
    const end = httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route =
        (ctx as unknown as { _matchedRoute?: string })._matchedRoute ??
        (ctx.status === 404 ? 'unmatched' : 'other');
      end({ method: ctx.method, route: String(route), status: String(ctx.status) });
    }
  };

  /** Times a request answered outside Koa (the signed-delivery front, `playback/delivery-front.ts`). */
  const observeHttp = (method: string, route: string, status: number, seconds: number) =>
    httpDuration.observe({ method, route, status: String(status) }, seconds);

  return { registry, httpMiddleware, observeHttp, jobDuration, failures };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `GET /metrics` in the Prometheus text format. With `METRICS_TOKEN` set it needs
 * `Authorization: Bearer <token>`; without, keep the port off the public network.
 */
export function metricsRoute(metrics: Metrics, token: string | undefined): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next();
    if (token && ctx.get('authorization') !== `Bearer ${token}`) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = 'metrics token required\n';
      return;
    }
    ctx.set('Content-Type', metrics.registry.contentType);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await metrics.registry.metrics();
  };
}
