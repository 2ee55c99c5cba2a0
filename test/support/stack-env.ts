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

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEnv;
  }
}
