export { loadTranscoderConfig, TRANSCODER_ENV_VARIABLES } from './config.js';
export type { TranscoderConfig } from './config.js';
export { createTranscodeWorker, closeWorker } from './worker.js';
export type { WorkerDeps } from './worker.js';
export { probeFile, ProbeError, SAFE_INPUT_OPTIONS } from './probe.js';
export { toVideoMetadata } from './to-video-metadata.js';
export type { FfprobeData } from './to-video-metadata.js';
