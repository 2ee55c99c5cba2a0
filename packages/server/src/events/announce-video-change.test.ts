import { describe, expect, it } from 'vitest';
import {
  announcementOf,
  createVideoChangeAnnouncer,
  type VideoLifecycleChange,
} from './announce-video-change.js';

const video = { _id: 'v'.repeat(24), orgId: 'o'.repeat(24), title: 'Clip', status: 'processing' as const };
const rendition = {
  rung: 720,
  width: 1280,
  height: 720,
  bandwidth: 3e6,
  averageBandwidth: 2e6,
  codecs: 'avc1.64001f',
  frameRate: 25,
  playlistKey: 'o/v/hls/720p/index.m3u8',
};

describe('announcementOf', () => {
  it('turns progress into a realtime event only', () => {
    expect(
      announcementOf({ type: 'progress', video, progress: { stage: 'transcode', percent: 30 } }),
    ).toEqual({
      realtime: [
        { event: 'video:progress', payload: { videoId: video._id, stage: 'transcode', percent: 30 } },
      ],
      webhook: null,
    });
  });

  it('announces ready to sockets and webhooks with the same payload, without storage keys', () => {
    const a = announcementOf({
      type: 'ready',
      video,
      result: { renditions: [rendition], posterKey: 'o/v/poster.jpg', metadata: { duration: 9 } },
    });
    expect(a.webhook).toEqual({ event: 'video.ready', payload: a.realtime[0]!.payload });
    expect(a.realtime[0]!.payload).toEqual({
      videoId: video._id,
      duration: 9,
      renditions: [{ rung: 720, width: 1280, height: 720, bandwidth: 3e6, codecs: 'avc1.64001f' }],
      poster: true,
    });
  });

  it('maps failed and deleted to both, created and processing to sockets only', () => {
    const kinds = (c: VideoLifecycleChange) => {
      const a = announcementOf(c);
      return [a.realtime.map((r) => r.event), a.webhook?.event ?? null];
    };
    expect(kinds({ type: 'failed', video, failure: { code: 'source_unreadable', message: 'x' } })).toEqual([
      ['video:failed'],
      'video.failed',
    ]);
    expect(kinds({ type: 'deleted', video })).toEqual([['video:deleted'], 'video.deleted']);
    expect(kinds({ type: 'created', video })).toEqual([['video:created'], null]);
    expect(kinds({ type: 'processing', video })).toEqual([['video:progress'], null]);
  });
});

describe('createVideoChangeAnnouncer', () => {
  it('publishes to the video’s organisation and enqueues with a stable event id', async () => {
    const published: unknown[] = [];
    const enqueued: unknown[] = [];
    const announce = createVideoChangeAnnouncer({
      publisher: { publish: (event, payload, target) => void published.push([event, payload, target]) },
      enqueueWebhookEvent: async (orgId, event, payload, options) => {
        enqueued.push([orgId, event, payload, options]);
        return 1;
      },
    });
    await announce({ type: 'deleted', video });
    expect(published).toEqual([['video:deleted', { videoId: video._id }, { orgId: video.orgId }]]);
    expect(enqueued).toEqual([
      [video.orgId, 'video.deleted', { videoId: video._id }, { eventId: `video.deleted:${video._id}` }],
    ]);
  });
});
