export { ERROR_CODES, isErrorCode } from './error-codes.js';
export type { ErrorCode, ProblemDetails } from './error-codes.js';
export { ConfigError, parseEnv } from './parse-env.js';
export type { VideoMetadata } from './video-metadata.js';
export { QUEUES, TRANSCODE_JOBS } from './jobs.js';
export type { ProbeJobData, ProbeJobResult } from './jobs.js';
export { booleanField, millisField, portField, sharedEnvShape } from './env-fields.js';
