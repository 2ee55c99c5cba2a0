export { ERROR_CODES } from './error-codes.js';
export {
  ERROR_CODE_NAMES,
  TRANSCODE_ERROR_CODE_NAMES,
  isErrorCode,
  isTranscodeErrorCode,
} from './code-names.js';
export type { ErrorCode, ProblemDetails } from './error-codes.js';
export { ERROR_CODE_DOCS, ERROR_DOCS_PATH, TRANSCODE_ERROR_DOCS, problemTypeUrl } from './error-docs.js';
export type { ErrorCodeDoc } from './error-docs.js';
export { ConfigError, parseEnv } from './parse-env.js';
export { HDR_TRANSFERS } from './video-metadata.js';
export type { HdrTransfer, VideoMetadata } from './video-metadata.js';
export { QUEUES, TRANSCODE_JOBS, TRANSCODE_JOB_OPTIONS, dubJobId, trackIdOfDubJob } from './jobs.js';
export type {
  DubJobData,
  DubJobResult,
  ProbeJobData,
  ProbeJobResult,
  TranscodeJobData,
  TranscodeJobName,
  TranscodeQueueData,
  TranscodeQueueJobs,
  TranscodeQueueResult,
} from './jobs.js';
export { booleanField, millisField, portField, sharedEnvShape, storageEnvProblems } from './env-fields.js';
export { ROLES, roleAtLeast } from './roles.js';
export type { Role } from './roles.js';
export {
  TRANSCODE_ERROR_CODES,
  describeTranscodeFailure,
  formatTranscodeFailure,
  parseTranscodeFailure,
} from './transcode-errors.js';
export type { TranscodeErrorCode, TranscodeFailure } from './transcode-errors.js';
export { MAX_JOB_PRIORITY, transcodePriority } from './job-priority.js';
export type { Plan } from './job-priority.js';
export { SENSITIVITY_LABELS, SENSITIVITY_REASON_CODES, TRANSCODE_STAGES } from './transcode-result.js';
export type {
  AudioRendition,
  Rendition,
  SensitivityLabel,
  SensitivityReason,
  SensitivityReasonCode,
  SensitivityResult,
  SourceCaption,
  StoryboardResult,
  TranscodeProgress,
  TranscodeResult,
  TranscodeStage,
} from './transcode-result.js';
export {
  AUDIO_ONLY_M4A_PATH,
  VIDEO_OUTPUT_PATHS,
  audioOnlyVariantId,
  audioTrackDirPath,
  audioTrackPlaylistPath,
  captionFilePath,
  progressiveMp4Path,
  renditionDirPath,
  renditionInitPath,
  renditionPlaylistPath,
  renditionSegmentPath,
  videoOutputKey,
} from './video-output-paths.js';
export { transcodeCancelChannel } from './transcode-cancel.js';
export {
  VIDEO_EVENT_NAMES,
  VIDEO_LIFECYCLE_STATUSES,
  WEBHOOK_EVENTS,
  publicRendition,
} from './video-events.js';
export type {
  AuthRefreshAck,
  ClientToServerEvents,
  PublicRendition,
  RealtimeErrorCode,
  ServerToClientEvents,
  VideoCreatedEvent,
  VideoDeletedEvent,
  VideoEventName,
  VideoEventPayloads,
  VideoFailedEvent,
  VideoLifecycleStatus,
  VideoProgressEvent,
  VideoReadyEvent,
  VideoReadyResult,
  VideoSnapshot,
  VideoStateEvent,
  WebhookEnvelope,
  WebhookEventData,
  WebhookEventType,
} from './video-events.js';
export {
  VIDEO_STATUSES,
  VISIBILITIES,
  playbackDescriptorSchema,
  playbackTokenSchema,
  renditionSchema,
  sensitivitySchema,
  videoListSchema,
  videoMetadataSchema,
  videoProgressSchema,
  videoSchema,
  videoStatsSchema,
} from './api-video.js';
export type {
  PlaybackDescriptor,
  PlaybackToken,
  Video,
  VideoList,
  VideoProgress,
  VideoStats,
  VideoStatus,
  Visibility,
} from './api-video.js';
export * from './api-audio-tracks.js';
export {
  API_KEY_FORMAT,
  API_KEY_PREFIX_PATTERN,
  ORIGIN_PATTERN,
  PLANS,
  SLUG_PATTERN,
  USER_STATUSES,
  apiKeyListSchema,
  apiKeySchema,
  createdApiKeySchema,
  invitationSchema,
  meSchema,
  orgSchema,
  sessionSchema,
  userListSchema,
  userSchema,
} from './api-accounts.js';
export type {
  ApiKey,
  ApiKeyList,
  CreatedApiKey,
  Invitation,
  Me,
  Org,
  Session,
  User,
  UserList,
  UserStatus,
} from './api-accounts.js';
export {
  deliveryListSchema,
  deliverySchema,
  rotatedWebhookSecretSchema,
  webhookListSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from './api-webhooks.js';
export type {
  Delivery,
  DeliveryList,
  RotatedWebhookSecret,
  Webhook,
  WebhookList,
  WebhookWithSecret,
} from './api-webhooks.js';
export { JOB_STATES, queueHealthSchema } from './api-queue.js';
export type { JobState, QueueHealth } from './api-queue.js';
export { problemSchema } from './api-problem.js';
export { describing } from './api-shape-check.js';
export * from './captions-index.js';
