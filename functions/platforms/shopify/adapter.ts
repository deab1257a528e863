import { ValidationError } from '../../domain/errors.ts';
import type { PlatformAdapter, PlatformRequest, Translation } from '../platform.ts';
import { readPlatformJson } from '../read-json.ts';
import { mapShopifyDelivery } from './mapping.ts';
import { verifyShopifyRequest } from './signature.ts';

const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const deliveryOf = (request: PlatformRequest) => {
  const h = request.headers;
  const topic = h['x-shopify-topic']?.trim();
  const identity = (h['x-shopify-event-id'] ?? h['x-shopify-webhook-id'])?.trim();
  const missing = [
    !topic && { path: 'X-Shopify-Topic', message: 'header required' },
    !identity && {
      path: 'X-Shopify-Event-Id',
      message: 'header required (or X-Shopify-Webhook-Id): it identifies the event',
    },
  ].filter((x): x is { path: string; message: string } => Boolean(x));
  if (missing.length > 0) throw new ValidationError('missing Shopify webhook headers', missing);
  const triggeredAt = h['x-shopify-triggered-at']?.trim();
  return {
    topic: topic as string,
    identity: (identity as string).slice(0, 100),
    ...(triggeredAt && instant.test(triggeredAt) ? { triggeredAt } : {}),
  };
};

/** Shopify webhooks: HMAC over the raw body, the store's domain, then the topic's mapping. */
export const shopifyAdapter: PlatformAdapter = {
  platform: 'shopify',
  verify: verifyShopifyRequest,
  translate(request): Translation {
    const delivery = deliveryOf(request);
    return mapShopifyDelivery(delivery, readPlatformJson(request.body));
  },
  answer(outcome, reason) {
    if (outcome === 'accepted') return { statusCode: 202, body: { status: 'accepted' } };
    if (outcome === 'duplicate') return { statusCode: 200, body: { status: 'duplicate' } };
    return { statusCode: 200, body: { status: 'ignored', reason: reason ?? 'not used' } };
  },
};
