import { transcodeCancelChannel } from '@reelkit/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Subscription to the cancel channel; close it with the worker. */
export interface CancelListener {
  /** Resolves once the subscription is active. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Subscribes `subscriber` (a connection of its own: a subscribed connection can do nothing else)
 * to `<prefix>:cancel` and calls `onCancel(jobId)` for each message (a video's id for its transcode
 * job, `dub-<trackId>` for a dub).
 */
export function listenForCancels(
  subscriber: Redis,
  prefix: string,
  onCancel: (jobId: string) => void,
  logger: Logger,
): CancelListener {
  const channel = transcodeCancelChannel(prefix);
  // A connection of its own, so a listener of its own: without one ioredis reports every lost
  // connection as an "Unhandled error event", and BullMQ's listeners do not cover it.
  subscriber.on('error', (err: Error) => logger.warn({ err: err.message }, 'cancel subscriber: redis error'));
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    const jobId = message.trim();
    if (jobId) onCancel(jobId);
  });
  const ready = subscriber.subscribe(channel).then(
    () => undefined,
    (err: unknown) => {
      logger.warn({ err: (err as Error).message }, 'could not subscribe to the cancel channel');
    },
  );
  return {
    ready,
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
