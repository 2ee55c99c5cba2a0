import type {
  VideoCreatedEvent,
  VideoDeletedEvent,
  VideoFailedEvent,
  VideoProgressEvent,
  VideoReadyEvent,
  VideoSnapshot,
} from '@reelkit/protocol';

/**
 * A realtime video event as `subscribe` hands it over: the socket payload (from
 * `@reelkit/protocol`) plus `type`. `state` is one video's snapshot, sent on every (re)connection
 * so no transition is missed while disconnected.
 */
export type VideoEvent =
  | ({ type: 'state' } & VideoSnapshot)
  | ({ type: 'created' } & VideoCreatedEvent)
  | ({ type: 'progress' } & VideoProgressEvent)
  | ({ type: 'ready' } & VideoReadyEvent)
  | ({ type: 'failed' } & VideoFailedEvent)
  | ({ type: 'deleted' } & VideoDeletedEvent);

/** socket.io event name → the `type` the SDK gives it. */
export const SOCKET_EVENTS = {
  'video:created': 'created',
  'video:progress': 'progress',
  'video:ready': 'ready',
  'video:failed': 'failed',
  'video:deleted': 'deleted',
} as const satisfies Record<string, VideoEvent['type']>;
