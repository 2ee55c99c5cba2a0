export { loadTranscoderConfig, TRANSCODER_ENV_VARIABLES } from './config.js';
export type { TranscoderConfig } from './config.js';
export { createTranscodeWorker, closeWorker } from './worker.js';
export { claimScratchFolder } from './scratch-folder.js';
export type { TranscodeWorker, WorkerDeps } from './worker.js';
export { probeFile, probeSource, ProbeError, SAFE_INPUT_OPTIONS } from './probe.js';
export type { SourceInfo } from './to-video-metadata.js';
export {
  addAudioRendition,
  checkDubLength,
  hasAudioRendition,
  removeAudioRendition,
} from './add-audio-rendition.js';
export type { AddedAudioRendition, AudioGroupPeak } from './add-audio-rendition.js';
export { toVideoMetadata } from './to-video-metadata.js';
export type { FfprobeData } from './to-video-metadata.js';
export { ACCEPTED_DEMUXERS } from './safe-input-options.js';
export { chooseLadder, LADDER_RUNGS, RUNG_BITRATES } from './choose-ladder.js';
export type { LadderPlan, Rung } from './choose-ladder.js';
export { buildLadderArgs, buildPosterArgs } from './build-ffmpeg-args.js';
export { planStoryboard, buildStoryboardVtt } from './plan-storyboard.js';
export { AUDIO_RENDITION_KBPS, normaliseLanguage, planAudioTracks } from './plan-audio-tracks.js';
export type { AudioTrackPlan, SourceAudioStream } from './plan-audio-tracks.js';
export type { StoryboardPlan } from './plan-storyboard.js';
export { scoreSensitivity, SENSITIVITY_PENALTIES } from './score-sensitivity.js';
export type { SensitivityRules } from './score-sensitivity.js';
export { transcodeVideo, TranscodeJobError } from './transcode-video.js';
export { runFfmpeg, FfmpegError } from './run-ffmpeg.js';
export { publishOutputs, type PublishOptions } from './publish-outputs.js';
