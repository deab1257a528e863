import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../functions/domain/errors.ts';
import type { PlatformConnection } from '../../functions/platforms/platform.ts';
import { shopifyHmac, verifyShopifyRequest } from '../../functions/platforms/shopify/signature.ts';

// Shopify/shopify-api-js packages/shopify-api/lib/webhooks/__tests__/validate.test.ts: this body
// signed with the test config's apiSecretKey 'test_secret_key' carries this X-Shopify-Hmac-Sha256.
const PUBLISHED = {
  secret: 'test_secret_key',
  body: '{"foo": "bar"}',
  hmac: 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=',
  domain: 'shop1.myshopify.io',
};

const connection = (o: Partial<PlatformConnection> = {}): PlatformConnection => ({
  platform: 'shopify',
  secrets: [PUBLISHED.secret],
  shopDomain: PUBLISHED.domain,
  ...o,
});

const request = (headers: Record<string, string | undefined>, body = PUBLISHED.body) => ({
  headers: {
    'x-shopify-hmac-sha256': PUBLISHED.hmac,
    'x-shopify-shop-domain': PUBLISHED.domain,
    'x-shopify-topic': 'products/create',
    ...headers,
  },
  body,
});

const rejection = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthorizedError);
    return (err as Error).message;
  }
  throw new Error('accepted, expected a rejection');
};

describe('Shopify webhook signature', () => {
  it("computes Shopify's published test vector", () => {
    expect(shopifyHmac(PUBLISHED.secret, PUBLISHED.body)).toBe(PUBLISHED.hmac);
  });

  it('accepts the published request', () => {
    expect(() => verifyShopifyRequest(request({}), connection())).not.toThrow();
  });

  it('accepts the second secret while the app secret rotates, and a domain in other case', () => {
    const rotating = connection({ secrets: ['the-new-secret', PUBLISHED.secret] });
    expect(() => verifyShopifyRequest(request({}), rotating)).not.toThrow();
    const signedWithNew = request({
      'x-shopify-hmac-sha256': shopifyHmac('the-new-secret', PUBLISHED.body),
    });
    expect(() => verifyShopifyRequest(signedWithNew, rotating)).not.toThrow();
    const upper = request({ 'x-shopify-shop-domain': 'SHOP1.myshopify.io' });
    expect(() => verifyShopifyRequest(upper, connection())).not.toThrow();
  });

  it.each([
    ['wrong secret', request({}), connection({ secrets: ['another-secret'] }), /matches none/],
    ['tampered body', request({}, '{"foo": "baz"}'), connection(), /matches none/],
    [
      'missing HMAC header',
      request({ 'x-shopify-hmac-sha256': undefined }),
      connection(),
      /missing X-Shopify-Hmac-Sha256/,
    ],
    [
      'HMAC not base64 SHA-256',
      request({ 'x-shopify-hmac-sha256': 'fake' }),
      connection(),
      /not a base64/,
    ],
    [
      'wrong shop domain',
      request({ 'x-shopify-shop-domain': 'other-store.myshopify.com' }),
      connection(),
      /is not the store/,
    ],
    [
      'missing shop domain',
      request({ 'x-shopify-shop-domain': undefined }),
      connection(),
      /missing X-Shopify-Shop-Domain/,
    ],
    ['no secret configured', request({}), connection({ secrets: [] }), /no Shopify secret/],
    [
      'connection without a domain',
      request({}),
      connection({ shopDomain: undefined }),
      /names no store domain/,
    ],
  ])('rejects %s with 401', (_name, req, conn, message) => {
    expect(rejection(() => verifyShopifyRequest(req, conn))).toMatch(message);
  });

  it('checks the signature before the domain: a forged body learns nothing of the connection', () => {
    const forged = request({ 'x-shopify-shop-domain': 'other-store.myshopify.com' }, '{}');
    expect(rejection(() => verifyShopifyRequest(forged, connection()))).toMatch(/matches none/);
  });
});
