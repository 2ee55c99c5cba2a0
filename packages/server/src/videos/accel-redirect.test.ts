import { S3Storage } from '@reelkit/storage';
import { describe, expect, it } from 'vitest';
import { ACCEL_PRESIGN_SECONDS, accelCorsOf, accelRedirect, deliveryOffloadOf } from './accel-redirect.js';

const x = { DELIVERY_OFFLOAD: 'x-accel', DELIVERY_ACCEL_PREFIX: '/_reelkit_storage' } as const;
const key = '650000000000000000000001/650000000000000000000002/hls/360p/seg_00001.m4s';

describe('accelRedirect', () => {
  it('points local storage at the key below the prefix, synchronously', () => {
    expect(accelRedirect(deliveryOffloadOf(x)!, key, { cacheControl: 'private', cors: 'a' })).toBe(
      `/_reelkit_storage/${key}`,
    );
    expect(deliveryOffloadOf({ ...x, DELIVERY_OFFLOAD: 'none' })).toBeUndefined();
  });

  it('points S3 storage at a presigned path-style GET, with the CORS shape and caching policy', async () => {
    const storage = new S3Storage({
      bucket: 'media',
      endpoint: 'http://store.internal:8333',
      prefix: 'prod/',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    });
    try {
      const offload = deliveryOffloadOf(x, storage)!;
      const location = await accelRedirect(offload, key, {
        cacheControl: 'public, max-age=31536000, immutable',
        cors: 'o',
      });
      const url = new URL(location, 'http://nginx');
      expect(url.pathname).toBe(`/_reelkit_storage/o/public,max-age=31536000,immutable/media/prod/${key}`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe(String(ACCEL_PRESIGN_SECONDS));
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKID\/\d{8}\/us-east-1\/s3\/aws4_request$/);
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(() => accelRedirect(offload, key, { cacheControl: 'max-age="1"', cors: 'n' })).toThrow(
        /Cache-Control/,
      );
    } finally {
      storage.destroy();
    }
  });
});

describe('accelCorsOf', () => {
  it('tells none, any origin, one origin and one origin with credentials apart', () => {
    expect(accelCorsOf(undefined, undefined)).toBe('n');
    expect(accelCorsOf('*', undefined)).toBe('a');
    expect(accelCorsOf('https://shop.example', undefined)).toBe('o');
    expect(accelCorsOf('https://app.example', 'true')).toBe('c');
  });
});
