import { describe, expect, it } from 'vitest';
import { isReelkitErrorCode, isRetryable, ReelkitError } from './reelkit-error.js';

const problem = (status: number, body: unknown, type = 'application/problem+json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('ReelkitError', () => {
  it('re-creates the API error from problem+json, with code, status, detail, field errors and request id', async () => {
    const err = await ReelkitError.fromResponse(
      problem(400, {
        type: 'https://reelkit.dev/errors/validation_failed',
        title: 'Validation failed',
        status: 400,
        code: 'validation_failed',
        detail: 'title: too long',
        errors: [{ path: 'title', message: 'too long' }],
        requestId: 'req-1',
      }),
    );
    expect(err).toBeInstanceOf(ReelkitError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('validation_failed');
    expect(err.status).toBe(400);
    expect(err.message).toBe('title: too long');
    expect(err.errors).toEqual([{ path: 'title', message: 'too long' }]);
    expect(err.requestId).toBe('req-1');
  });

  it('uses the title when there is no detail', async () => {
    const err = await ReelkitError.fromResponse(
      problem(403, {
        type: 'about:blank',
        title: 'Playback token expired',
        status: 403,
        code: 'playback_token_expired',
      }),
    );
    expect(err.code).toBe('playback_token_expired');
    expect(err.message).toBe('Playback token expired');
  });

  it('derives a code from the status when the body is not problem+json', async () => {
    const html = new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' });
    const err = await ReelkitError.fromResponse(html);
    expect(err.code).toBe('internal_error');
    expect(err.status).toBe(502);
    expect((await ReelkitError.fromResponse(new Response('', { status: 404 }))).code).toBe('not_found');
    expect((await ReelkitError.fromResponse(new Response('', { status: 429 }))).code).toBe('rate_limited');
  });

  it('wraps fetch failures as network_error and aborts as aborted', () => {
    expect(ReelkitError.from(new TypeError('fetch failed')).code).toBe('network_error');
    const controller = new AbortController();
    controller.abort();
    expect(ReelkitError.from(new DOMException('x', 'AbortError'), controller.signal).code).toBe('aborted');
    const same = new ReelkitError('forbidden', 'no', 403);
    expect(ReelkitError.from(same)).toBe(same);
  });

  it('retries only what may succeed next time', () => {
    expect(isRetryable(new ReelkitError('network_error', 'x'))).toBe(true);
    expect(isRetryable(new ReelkitError('service_unavailable', 'x', 503))).toBe(true);
    expect(isRetryable(new ReelkitError('rate_limited', 'x', 429))).toBe(true);
    expect(isRetryable(new ReelkitError('aborted', 'x'))).toBe(false);
    expect(isRetryable(new ReelkitError('video_not_found', 'x', 404))).toBe(false);
    expect(isRetryable(new ReelkitError('forbidden', 'x', 403))).toBe(false);
  });
});

describe('error codes', () => {
  it('knows the API’s, the transcoder’s and its own codes, and nothing else', () => {
    for (const code of ['video_not_found', 'source_no_video', 'transcode_failed', 'network_error'])
      expect(isReelkitErrorCode(code)).toBe(true);
    for (const code of ['probe_failed', 'source_invalid', '', 'toString', 42])
      expect(isReelkitErrorCode(code)).toBe(false);
  });

  it('classifies a code this version does not know by status, keeping the detail', async () => {
    const err = await ReelkitError.fromResponse(
      problem(404, { type: 'x', title: 'Gone', status: 404, code: 'brand_new_code', detail: 'It left' }),
    );
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('It left');
    expect(err.status).toBe(404);
  });
});
