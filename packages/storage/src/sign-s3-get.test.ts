import { describe, expect, it } from 'vitest';
import { amzDate, presignS3Get, signS3Get, signS3Request } from './sign-s3-get.js';

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

  it("gives AWS's published signature for its PUT Object example (a signed payload)", () => {
    const headers = signS3Request('PUT', {
      ...example,
      // `$` escaped: the path is given in canonical form.
      path: '/test%24file.text',
      headers: { date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      payloadHash: '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, ' +
        'Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    );
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

describe('presignS3Get', () => {
  // The worked example of "Authenticating Requests: Using Query Parameters (AWS Signature Version
  // 4)" in the S3 API reference: a GET of test.txt valid for 24 hours.
  it("gives AWS's published query for its presigned-URL example", () => {
    const query = presignS3Get({
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      region: 'us-east-1',
      credentials: example.credentials,
      date: new Date('2013-05-24T00:00:00Z'),
      expiresInSeconds: 86_400,
    });
    expect(query).toBe(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('signs the session token of temporary credentials, escaped', () => {
    const query = presignS3Get({
      ...example,
      credentials: { ...example.credentials, sessionToken: 'a/b+c=' },
      expiresInSeconds: 10,
    });
    expect(query).toContain('&X-Amz-Security-Token=a%2Fb%2Bc%3D&X-Amz-SignedHeaders=host&X-Amz-Signature=');
  });
});
