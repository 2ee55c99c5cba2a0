// An API server as its own process (`packages/server/src/main.ts`, as `npm start` runs it), on a
// free port of 127.0.0.1, with the run's services and the caller's isolated prefix and database.
import { join } from 'node:path';
import { freePort } from './api-client.js';
import { startTs, type Proc } from './processes.js';
import { stackEnv } from './stack-env.js';

export interface ApiProcess {
  proc: Proc;
  url: string;
}

/**
 * Starts `main.ts` with its state under `<root>/<role>-state` and waits until it listens. `env`
 * adds to (or overrides) the test defaults: fixed secrets, generous auth rate limits.
 */
export async function startApiProcess(
  role: string,
  root: string,
  isolated: { REDIS_PREFIX: string; MONGODB_DB: string },
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startTs('packages/server/src/main.ts', {
    ...stackEnv(),
    ...isolated,
    STATE_DIR: join(root, `${role}-state`),
    JWT_SECRET: 'x'.repeat(40),
    PLAYBACK_KEYS: `k1:${'y'.repeat(40)}`,
    RATE_LIMIT_AUTH_IP_PER_MIN: '100000',
    RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '100000',
    RATE_LIMIT_IP_PER_MIN: '1000000',
    RATE_LIMIT_SOCKET_IP_PER_MIN: '100000',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    ...env,
  });
  await proc.waitFor(/"msg":"listening"/, 120_000);
  return { proc, url };
}
