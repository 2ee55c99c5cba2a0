import Router from '@koa/router';
import { checkReadiness, type ReadinessDeps } from './readiness.js';

/** `/healthz`: the process is up. `/readyz`: its dependencies answer (503 with detail when not). */
export function healthRoutes(deps: ReadinessDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ok: true };
  });
  router.get('/readyz', async (ctx) => {
    const readiness = await checkReadiness(deps);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = readiness.ok ? 200 : 503;
    ctx.body = readiness;
  });
  return router;
}
