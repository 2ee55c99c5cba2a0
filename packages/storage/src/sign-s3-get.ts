// AWS Signature Version 4 for the requests the driver sends without the SDK: a GET of an object
// (serving) and a PUT of a small one (publishing), signed in the Authorization header. The AWS SDK
// signs through a stack of middleware that costs about a millisecond a request; this is a handful
// of HMACs.
import { createHash, createHmac } from 'node:crypto';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface S3GetToSign {
  /** `host[:port]` exactly as the Host header will carry it. */
  host: string;
  /**
   * The request path, already in canonical form. Storage keys are letters, digits and `_.-/`
   * only (`assertStorageKey`), which SigV4 leaves unescaped, so a key's path is its own encoding.
   */
  path: string;
  region: string;
  credentials: S3Credentials;
  /** When the request is signed; the store refuses signatures more than 15 minutes off. */
  date: Date;
  /** Further headers to sign (lower-case names), e.g. `range`. */
  headers?: Readonly<Record<string, string>>;
  /** The payload's SHA-256 in hex. @defaultValue `'UNSIGNED-PAYLOAD'` (a GET has none to sign) */
  payloadHash?: string;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** `20130524T000000Z`: the ISO 8601 basic form SigV4 uses. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The derived signing key changes once a day per secret and region: remembered. */
const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string): Buffer {
  const id = `${day}/${region}/${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
    if (signingKeys.size > 16) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** The scope and signature of a canonical request (SigV4's string to sign, then its HMAC). */
function sign(
  canonicalRequest: string,
  stamp: string,
  region: string,
  credentials: S3Credentials,
): { scope: string; signature: string } {
  const day = stamp.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    stamp,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, region))
    .update(stringToSign)
    .digest('hex');
  return { scope, signature };
}

/** RFC 3986 escaping, as SigV4 wants it in a query (encodeURIComponent leaves `!'()*` alone). */
const escapeQuery = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The query string that presigns a GET of `path` on `host` for `expiresInSeconds` from `date`
 * (`X-Amz-Algorithm=…&X-Amz-Signature=…`): only `host` is signed, so whoever sends it may add
 * `Range` and conditional headers; S3 checks the expiry when the request starts.
 */
export function presignS3Get(
  request: Pick<S3GetToSign, 'host' | 'path' | 'region' | 'credentials' | 'date'> & {
    expiresInSeconds: number;
  },
): string {
  const { credentials, region } = request;
  const stamp = amzDate(request.date);
  const scope = `${stamp.slice(0, 8)}/${region}/s3/aws4_request`;
  // Already in the canonical order (sorted by name).
  const params: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', stamp],
    ['X-Amz-Expires', String(request.expiresInSeconds)],
    ...(credentials.sessionToken
      ? ([['X-Amz-Security-Token', credentials.sessionToken]] as Array<[string, string]>)
      : []),
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const query = params.map(([name, value]) => `${name}=${escapeQuery(value)}`).join('&');
  const canonicalRequest = [
    'GET',
    request.path,
    query,
    `host:${request.host}`,
    '',
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  return `${query}&X-Amz-Signature=${sign(canonicalRequest, stamp, region, credentials).signature}`;
}

/**
 * The headers that sign a GET (`host`, `x-amz-date`, `x-amz-content-sha256`, the session token if
 * any, `authorization`, and the given `headers`), to send as they are.
 */
export function signS3Get(request: S3GetToSign): Record<string, string> {
  return signS3Request('GET', request);
}

/** As {@link signS3Get}, for another method (`PUT` of an object, its payload's hash given). */
export function signS3Request(method: 'GET' | 'PUT', request: S3GetToSign): Record<string, string> {
  const { credentials, region } = request;
  const stamp = amzDate(request.date);
  const payloadHash = request.payloadHash ?? 'UNSIGNED-PAYLOAD';
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': stamp,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    method,
    request.path,
    '',
    ...names.map((name) => `${name}:${headers[name]!.trim()}`),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
  const { scope, signature } = sign(canonicalRequest, stamp, region, credentials);
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}
