import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_FORMAT } from '@reelkit/protocol';

/**
 * API keys look like `rk_<prefix>_<secret>`: the 12-character prefix finds the key (indexed,
 * unique, shown in lists), the 32-byte secret proves it. Only a SHA-256 of the secret is stored:
 * the secret has 256 bits of entropy, so a slow hash would add nothing but latency.
 */
export { API_KEY_FORMAT };

export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { key: `rk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = API_KEY_FORMAT.exec(key);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('rk_');
}
