import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors.ts';
import type { PlatformConnection, PlatformRequest } from '../platform.ts';

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** base64 HMAC-SHA256 of the raw body with the app's secret, as Shopify signs every webhook. */
export const shopifyHmac = (secret: string, body: string): string =>
  createHmac('sha256', secret).update(body, 'utf8').digest('base64');

/**
 * `X-Shopify-Hmac-Sha256` must match one of the connection's secrets (two while the app secret
 * rotates), compared in constant time over the raw body; `X-Shopify-Shop-Domain` must be the
 * store this shop connected, so one store's hooks cannot feed another shop.
 */
export const verifyShopifyRequest = (
  request: PlatformRequest,
  connection: PlatformConnection,
): void => {
  const given = request.headers['x-shopify-hmac-sha256'];
  if (!given) throw new UnauthorizedError('missing X-Shopify-Hmac-Sha256 header');
  if (!BASE64_SHA256.test(given)) {
    throw new UnauthorizedError('X-Shopify-Hmac-Sha256 is not a base64 HMAC-SHA256');
  }
  if (connection.secrets.length === 0) {
    throw new UnauthorizedError('this shop has no Shopify secret configured');
  }
  const expected = Buffer.from(given, 'base64');
  let matched = false;
  for (const secret of connection.secrets) {
    const digest = createHmac('sha256', secret).update(request.body, 'utf8').digest();
    if (timingSafeEqual(digest, expected)) matched = true;
  }
  if (!matched) {
    throw new UnauthorizedError("X-Shopify-Hmac-Sha256 matches none of the shop's Shopify secrets");
  }
  const domain = request.headers['x-shopify-shop-domain']?.trim().toLowerCase();
  if (!domain) throw new UnauthorizedError('missing X-Shopify-Shop-Domain header');
  const connected = connection.shopDomain?.trim().toLowerCase();
  if (!connected)
    throw new UnauthorizedError("this shop's Shopify connection names no store domain");
  if (domain !== connected) {
    throw new UnauthorizedError(
      `X-Shopify-Shop-Domain '${domain}' is not the store this shop connected (${connected})`,
    );
  }
};
