import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, signingSecrets, verifyWebhookSignature } from './sign-webhook.js';

const secret = 'whsec_test';
const body = '{"id":"e1","type":"video.ready"}';

describe('webhook signatures', () => {
  it('signs t.body with HMAC-SHA256 of the secret, as documented', () => {
    const header = signatureHeader(secret, 1_700_000_000, body);
    const hex = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${hex}`);
  });

  it('verifies a fresh signature and refuses a tampered body, another secret or a replay', () => {
    const now = 1_700_000_000;
    const header = signatureHeader(secret, now, body);
    expect(verifyWebhookSignature(secret, header, body, { nowS: now + 10 })).toBe(true);
    expect(verifyWebhookSignature(secret, header, `${body} `, { nowS: now })).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, body, { nowS: now })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { nowS: now + 301 })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { nowS: now - 301 })).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, { nowS: now })).toBe(false);
    expect(verifyWebhookSignature(secret, 't=abc,v1=zz', body, { nowS: now })).toBe(false);
  });

  it('accepts any body it signed and no other', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const h = signatureHeader(secret, 100, a);
        expect(verifyWebhookSignature(secret, h, a, { nowS: 100 })).toBe(true);
        if (a !== b) expect(verifyWebhookSignature(secret, h, b, { nowS: 100 })).toBe(false);
      }),
    );
  });

  it('makes distinct, prefixed secrets', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('signs with every secret given, so either side of a rotation verifies', () => {
    const now = 1_700_000_000;
    const header = signatureHeader(['whsec_new', 'whsec_old'], now, body);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifyWebhookSignature('whsec_new', header, body, { nowS: now })).toBe(true);
    expect(verifyWebhookSignature('whsec_old', header, body, { nowS: now })).toBe(true);
    expect(verifyWebhookSignature('whsec_other', header, body, { nowS: now })).toBe(false);
  });

  it('keeps the previous secret signing only until it expires', () => {
    const endpoint = {
      secret: 'whsec_new',
      previousSecret: 'whsec_old',
      previousSecretExpiresAt: new Date(2_000),
    };
    expect(signingSecrets(endpoint, 1_999)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(endpoint, 2_000)).toEqual(['whsec_new']);
    expect(signingSecrets({ secret: 'whsec_only' }, 0)).toEqual(['whsec_only']);
    expect(signingSecrets({ ...endpoint, previousSecretExpiresAt: null }, 0)).toEqual(['whsec_new']);
  });
});
