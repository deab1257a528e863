import { ValidationError } from '../../domain/errors.ts';
import { orderEventSchema } from '../../domain/order/order-event.ts';
import { parseJson, validate } from '../../http/parse-body.ts';
import type { PlatformAdapter, PlatformRequest, Translation } from '../platform.ts';
import { mapWooCommerceOrder, ORDER_TOPICS } from './mapping.ts';
import { MAX_WOOCOMMERCE_BODY_BYTES, wooOrderSchema } from './payload.ts';
import { isPing, verifyWooCommerceSignature } from './signature.ts';

export const TOPIC_HEADER = 'x-wc-webhook-topic';

const isOrderTopic = (topic: string): topic is (typeof ORDER_TOPICS)[number] =>
  (ORDER_TOPICS as readonly string[]).includes(topic);

const translate = (request: PlatformRequest): Translation => {
  if (isPing(request)) return { kind: 'ping' };
  const topic = request.headers[TOPIC_HEADER]?.trim();
  if (!topic) {
    throw new ValidationError('1 invalid field(s)', [
      { path: TOPIC_HEADER, message: 'header is required (e.g. "order.updated")' },
    ]);
  }
  // Decided before the body is read: a topic we do not use must never fail, or the hook is disabled.
  if (!isOrderTopic(topic)) {
    return {
      kind: 'ignored',
      reason:
        topic === 'order.deleted'
          ? 'order.deleted carries only the order id; deleting an order changes no follow-up'
          : `WooCommerce topic '${topic.slice(0, 64)}' is not one we follow`,
    };
  }
  const size = Buffer.byteLength(request.body, 'utf8');
  if (size > MAX_WOOCOMMERCE_BODY_BYTES) {
    throw new ValidationError('body is too large', [
      { path: '(body)', message: `is ${size} bytes; the limit is ${MAX_WOOCOMMERCE_BODY_BYTES}` },
    ]);
  }
  const translation = mapWooCommerceOrder(validate(parseJson(request.body), wooOrderSchema));
  if (translation.kind === 'events') {
    for (const event of translation.events) validate(event, orderEventSchema);
  }
  return translation;
};

/**
 * WooCommerce (WC_Webhook): `X-WC-Webhook-Signature` is base64 HMAC-SHA256 of the raw body with
 * the webhook's secret. It never retries and disables a hook after 5 failed deliveries, so every
 * delivery it can make sense of is answered 200, ignored ones with the reason.
 */
export const wooCommerceAdapter: PlatformAdapter = {
  platform: 'woocommerce',
  verify: verifyWooCommerceSignature,
  translate,
  answer: (outcome, reason) => ({
    statusCode: 200,
    body: { status: outcome, ...(reason ? { reason } : {}) },
  }),
};
