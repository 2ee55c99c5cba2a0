import { describe, expect, it } from 'vitest';
import { amzDate, signS3Get } from './sign-s3-get.js';

// The worked example "GET Object" of the S3 API reference, "Signature Calculations for the
// Authorization Header" (AWS's published test vector for SigV4 on S3).
const example = {
  host: 'examplebucket.s3.amazonaws.com',
  path: '/test.txt',
  region: 'us-east-1',
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  date: new Date('2013-05-24T00:00:00Z'),
  headers: { range: 'bytes=0-9' },
  payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};

describe('signS3Get', () => {
  it("gives AWS's published signature for its GET Object example", () => {
    const headers = signS3Get(example);
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers).toMatchObject({ 'x-amz-date': '20130524T000000Z', range: 'bytes=0-9' });
  });

  it('signs the session token of temporary credentials, and an unsigned payload by default', () => {
    const headers = signS3Get({
      ...example,
      headers: {},
      payloadHash: undefined,
      credentials: { ...example.credentials, sessionToken: 'token' },
    });
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(headers.authorization).toContain(
      'SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,',
    );
  });

  it('formats the date as ISO 8601 basic', () => {
    expect(amzDate(new Date('2026-12-01T04:05:06.789Z'))).toBe('20261201T040506Z');
  });
});
