import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The signature header of every delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Reelkit-Signature';

/** Receivers should refuse signatures older (or newer) than this, against replays. */
export const DEFAULT_TOLERANCE_S = 300;

/** A new endpoint signing secret: `whsec_` + 32 random bytes (base64url). Shown once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** HMAC-SHA256, keyed with the whole secret string (UTF-8), over `${timestamp}.${body}`; hex. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Reelkit-Signature` header value for a body sent at `timestamp` (Unix seconds): one `v1`
 * per secret, so during a rotation a receiver holding either the new or the old secret accepts it.
 */
export function signatureHeader(
  secrets: string | readonly string[],
  timestamp: number,
  body: string,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...list.map((s) => `v1=${webhookSignature(s, timestamp, body)}`)].join(',');
}

/** The secrets a delivery is signed with at `now`: the current one, and the previous one until it expires. */
export function signingSecrets(
  endpoint: { secret: string; previousSecret?: string | null; previousSecretExpiresAt?: Date | null },
  now: number,
): string[] {
  const previousValid =
    endpoint.previousSecret &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > now;
  return previousValid ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

/**
 * The receiver's side (also in docs/webhooks.md): parse `t` and every `v1`, refuse a timestamp
 * outside the tolerance, compare in constant time against the HMAC of the raw body.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  options: { nowS?: number; toleranceS?: number } = {},
): boolean {
  if (!header) return false;
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2) as [string, string | undefined];
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  if (t === undefined || v1.length === 0) return false;
  const now = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) return false;
  const expected = Buffer.from(webhookSignature(secret, t, rawBody), 'hex');
  return v1.some((sig) => timingSafeEqual(Buffer.from(sig, 'hex'), expected));
}
