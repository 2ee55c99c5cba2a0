import { inject } from 'vitest';

/** The test profile's environment: the services `npm test` started, with test-only names. */
export interface StackEnv {
  NODE_ENV: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  MONGODB_URI: string;
  MONGODB_DB: string;
  STATE_DIR: string;
  STORAGE_DIR: string;
  PORT: string;
}

export function stackEnv(): StackEnv {
  return inject('stack');
}

/**
 * A Redis prefix and a database of their own, both below the run's (teardown removes them), for
 * a server or worker whose jobs must stay apart from other test files'. They go together:
 * reconciliation re-enqueues an open video whose job it cannot find under its prefix, so a server
 * must never share a database with videos whose jobs live under another prefix.
 */
export function isolatedStack(name: string): { REDIS_PREFIX: string; MONGODB_DB: string } {
  const env = stackEnv();
  return { REDIS_PREFIX: `${env.REDIS_PREFIX}-${name}`, MONGODB_DB: `${env.MONGODB_DB}_${name}` };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEnv;
  }
}
