import type { Storage } from '@reelkit/storage';

/**
 * How long the presigned GET in an `X-Accel-Redirect` to the S3 location lives. It never leaves
 * nginx (the location is `internal`) and the store checks it only when nginx's request starts, so
 * it only has to outlast the hop from Reelkit's answer to nginx's request, plus any clock skew
 * between the Reelkit and store hosts.
 */
export const ACCEL_PRESIGN_SECONDS = 10;

/**
 * With nginx in front (`DELIVERY_OFFLOAD=x-accel`): the `internal` location Reelkit redirects to,
 * and with S3 storage, how to presign the GET that location sends to the bucket. `undefined`:
 * Reelkit sends the bytes.
 */
export type DeliveryOffload =
  { accelPrefix: string; presign?: NonNullable<Storage['presignGet']> | undefined } | undefined;

export function deliveryOffloadOf(
  config: { DELIVERY_OFFLOAD: 'none' | 'x-accel'; DELIVERY_ACCEL_PREFIX: string },
  storage?: Pick<Storage, 'presignGet'>,
): DeliveryOffload {
  if (config.DELIVERY_OFFLOAD !== 'x-accel') return undefined;
  const presign = storage?.presignGet?.bind(storage);
  return { accelPrefix: config.DELIVERY_ACCEL_PREFIX, ...(presign ? { presign } : {}) };
}

/**
 * The CORS headers nginx's S3 location adds back (deploy/nginx/reelkit-s3.conf.template). After
 * the redirect nginx proxies to the store, so `$upstream_http_*` are the store's headers, not
 * Reelkit's: the few shapes Reelkit's CORS answers take travel in the redirect's path instead.
 * `n` none; `a` any origin (`*`); `o` the request's origin; `c` the request's origin with
 * credentials (the API's allow-listed origins).
 */
export type AccelCors = 'n' | 'a' | 'o' | 'c';

/** Which {@link AccelCors} shape an answer's CORS headers have. */
export function accelCorsOf(
  allowOrigin: string | undefined,
  allowCredentials: string | undefined,
): AccelCors {
  if (!allowOrigin) return 'n';
  if (allowOrigin === '*') return 'a';
  return allowCredentials === 'true' ? 'c' : 'o';
}

/** A Cache-Control value as one path segment: `public,max-age=31536000,immutable`. */
function cacheControlSegment(cacheControl: string): string {
  const segment = cacheControl.replace(/\s*,\s*/g, ',');
  if (!/^[a-z0-9=,-]+$/i.test(segment)) throw new Error(`cannot redirect with Cache-Control ${cacheControl}`);
  return segment;
}

/**
 * The `X-Accel-Redirect` target of a storage key. Local storage: `<prefix>/<key>`, a file below
 * the location's `alias`. S3: `<prefix>/<cors>/<cache-control>/<bucket>/<key>?<presigned query>`,
 * which the S3 location `proxy_pass`es to the store as `/<bucket>/<key>?<query>` and answers with
 * the given caching policy and CORS shape.
 */
export function accelRedirect(
  offload: NonNullable<DeliveryOffload>,
  key: string,
  answer: { cacheControl: string; cors: AccelCors },
): string | Promise<string> {
  // Synchronous for local storage: the hot path of the delivery front stays one turn.
  if (!offload.presign) return `${offload.accelPrefix}/${key}`;
  const segment = cacheControlSegment(answer.cacheControl);
  return offload
    .presign(key, ACCEL_PRESIGN_SECONDS)
    .then((signed) => `${offload.accelPrefix}/${answer.cors}/${segment}${signed.path}?${signed.query}`);
}
