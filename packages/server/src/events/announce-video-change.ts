import { publicRendition } from '@reelkit/protocol';
import type {
  Rendition,
  TranscodeFailure,
  TranscodeProgress,
  VideoEventName,
  VideoEventPayloads,
  VideoLifecycleStatus,
  WebhookEventData,
  WebhookEventType,
} from '@reelkit/protocol';
import type { RealtimePublisher } from './publisher.js';

interface VideoRef {
  _id: { toString(): string };
  orgId: { toString(): string };
  title: string;
  status: VideoLifecycleStatus;
}

/**
 * A change the video lifecycle applied (structurally the pipeline's `VideoChange`, plus the
 * `created` and `deleted` changes of the videos routes).
 */
export type VideoLifecycleChange =
  | { type: 'created'; video: VideoRef }
  | { type: 'processing'; video: VideoRef }
  | { type: 'progress'; video: VideoRef; progress: TranscodeProgress }
  | {
      type: 'ready';
      video: VideoRef;
      result: { renditions: Rendition[]; posterKey?: string; metadata: { duration: number } };
    }
  | { type: 'failed'; video: VideoRef; failure: TranscodeFailure }
  | { type: 'deleted'; video: VideoRef }
  /** Captions or audio tracks added, edited or removed; `at` (ms) tells two updates of one video apart. */
  | { type: 'updated'; video: VideoRef; changes: Array<'captions' | 'audioTracks'>; at: number };

/** What one change announces: realtime events, and at most one webhook event. */
export interface Announcement {
  realtime: Array<{ [K in VideoEventName]: { event: K; payload: VideoEventPayloads[K] } }[VideoEventName]>;
  webhook: { [K in WebhookEventType]: { event: K; payload: WebhookEventData[K] } }[WebhookEventType] | null;
  /** What tells this webhook event apart from others of its video and type (`at` of an update), or ''. */
  eventIdSuffix?: string;
}

/** Pure: the events a lifecycle change turns into. */
export function announcementOf(change: VideoLifecycleChange): Announcement {
  const videoId = change.video._id.toString();
  switch (change.type) {
    case 'created':
      return {
        realtime: [
          {
            event: 'video:created',
            payload: { videoId, title: change.video.title, status: change.video.status },
          },
        ],
        webhook: null,
      };
    case 'processing':
      return {
        realtime: [{ event: 'video:progress', payload: { videoId, stage: 'probe', percent: 0 } }],
        webhook: null,
      };
    case 'progress':
      return {
        realtime: [
          {
            event: 'video:progress',
            payload: { videoId, stage: change.progress.stage, percent: change.progress.percent },
          },
        ],
        webhook: null,
      };
    case 'ready': {
      const payload = {
        videoId,
        duration: change.result.metadata.duration,
        renditions: change.result.renditions.map(publicRendition),
        poster: Boolean(change.result.posterKey),
      };
      return { realtime: [{ event: 'video:ready', payload }], webhook: { event: 'video.ready', payload } };
    }
    case 'failed': {
      const payload = { videoId, code: change.failure.code, message: change.failure.message };
      return { realtime: [{ event: 'video:failed', payload }], webhook: { event: 'video.failed', payload } };
    }
    case 'deleted':
      return {
        realtime: [{ event: 'video:deleted', payload: { videoId } }],
        webhook: { event: 'video.deleted', payload: { videoId } },
      };
    case 'updated': {
      const payload = { videoId, changes: change.changes };
      return {
        realtime: [{ event: 'video:updated', payload }],
        webhook: { event: 'video.updated', payload },
        eventIdSuffix: `:${change.at}`,
      };
    }
  }
}

/**
 * The `onVideoChange` hook: publishes the realtime events and enqueues the webhook event of each
 * change. The webhook event id is stable per video and event (`video.ready:<videoId>`), so a change
 * announced twice is delivered once while its job is kept.
 */
export function createVideoChangeAnnouncer(deps: {
  publisher: Pick<RealtimePublisher, 'publish'>;
  enqueueWebhookEvent?: <T extends WebhookEventType>(
    orgId: string,
    event: T,
    payload: WebhookEventData[T],
    options?: { eventId?: string },
  ) => Promise<number>;
}): (change: VideoLifecycleChange) => Promise<void> {
  return async (change) => {
    const orgId = change.video.orgId.toString();
    const { realtime, webhook, eventIdSuffix = '' } = announcementOf(change);
    for (const { event, payload } of realtime) {
      (deps.publisher.publish as (e: string, p: unknown, t: { orgId: string }) => void)(event, payload, {
        orgId,
      });
    }
    if (webhook && deps.enqueueWebhookEvent) {
      await (
        deps.enqueueWebhookEvent as (
          o: string,
          e: string,
          p: unknown,
          opt: { eventId: string },
        ) => Promise<number>
      )(orgId, webhook.event, webhook.payload, {
        eventId: `${webhook.event}:${change.video._id.toString()}${eventIdSuffix}`,
      });
    }
  };
}
