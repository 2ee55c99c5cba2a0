import { describe, expect, it } from 'vitest';
import { processingOf } from './player.js';

describe('processingOf', () => {
  it("reports the server's stage while the video is processing", () => {
    expect(processingOf({ status: 'processing', progress: { stage: 'transcode', percent: 42 } })).toEqual({
      status: 'processing',
      stage: 'transcode',
      percent: 42,
    });
  });

  it('uses the status as the stage before processing, or when the server sends no progress', () => {
    expect(processingOf({ status: 'uploading', progress: { stage: 'upload', percent: 0 } })).toEqual({
      status: 'uploading',
      stage: 'uploading',
      percent: 0,
    });
    expect(processingOf({ status: 'queued', progress: { stage: 'queued', percent: 0 } }).stage).toBe(
      'queued',
    );
    expect(processingOf({ status: 'processing' })).toEqual({
      status: 'processing',
      stage: 'processing',
      percent: 0,
    });
    expect(processingOf({})).toEqual({ status: 'processing', stage: 'processing', percent: 0 });
  });
});
