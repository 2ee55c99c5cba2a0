import { describe, expect, it } from 'vitest';
import { matchSignedDelivery } from './fast-path.js';

const id = '0123456789abcdef01234567';

describe('matchSignedDelivery', () => {
  it('takes a GET or HEAD of a signed file apart into token, video id and path', () => {
    for (const method of ['GET', 'HEAD']) {
      expect(matchSignedDelivery(method, `/v1/play/tok.en-_/${id}/hls/720p/seg_00001.m4s`)).toEqual({
        token: 'tok.en-_',
        videoId: id,
        rawPath: 'hls/720p/seg_00001.m4s',
      });
    }
    expect(matchSignedDelivery('GET', `/v1/play/t/${id}/file`)?.rawPath).toBe('file');
  });

  it('leaves preflights, other methods, encoded paths and incomplete paths to the general chain', () => {
    expect(matchSignedDelivery('OPTIONS', `/v1/play/t/${id}/file`)).toBeNull();
    expect(matchSignedDelivery('POST', `/v1/play/t/${id}/file`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/play/t/${id}/hls/%2e%2e/x`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/play/t/${id}/`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/play/t/${id}`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/play//${id}/file`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/play/t//file`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/videos/${id}/file`)).toBeNull();
    expect(matchSignedDelivery('GET', `/v1/playx/t/${id}/file`)).toBeNull();
  });
});
