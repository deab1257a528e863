import { DeliveryError } from '../domain/errors.ts';
import { signPayload } from '../http/webhook-signature.ts';
import type { StaffWebhook } from '../store/shop-store.ts';
import type { ChannelTransport, OutgoingMessage } from './channel.ts';

export interface WebhookTransportOptions {
  timeoutMs: number;
  /** Plain http only for loopback test receivers; production endpoints must be https. */
  allowInsecure: boolean;
  fetch?: typeof fetch;
}

/** Statuses worth another try: the receiver is busy, rate limiting, or broken for now. */
const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export const webhookEventType = (message: OutgoingMessage): string =>
  message.channel === 'call'
    ? 'followup.call_task'
    : message.data?.relay
      ? 'followup.buyer_relay'
      : 'followup.staff_alert';

/**
 * Staff alerts and call tasks as a Standard Webhooks POST to the shop's endpoint. `webhook-id`
 * is the message id, so a receiver can drop the repeat of a retried delivery.
 */
export const createWebhookTransport = (
  endpoint: StaffWebhook,
  options: WebhookTransportOptions,
): ChannelTransport => ({
  async deliver(message) {
    const url = new URL(endpoint.url);
    if (url.protocol !== 'https:' && !options.allowInsecure) {
      throw new DeliveryError(`staff webhook must use https: ${url.origin}`, false);
    }
    const payload = JSON.stringify({
      type: webhookEventType(message),
      id: message.id,
      shopId: message.shopId,
      orderId: message.orderId,
      flow: message.flow,
      step: message.step,
      channel: message.channel,
      subject: message.subject,
      body: message.body,
      data: message.data ?? {},
    });
    const now = new Date();
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'order-followup-webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signPayload(endpoint.secret, message.id, now, payload),
        },
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new DeliveryError(
        timedOut
          ? `staff webhook ${url.origin} did not answer within ${options.timeoutMs} ms`
          : `staff webhook ${url.origin} unreachable: ${(err as Error).message}`,
        true,
        { cause: err },
      );
    }
    await response.body?.cancel();
    if (response.ok) return { providerMessageId: message.id };
    const retryable = RETRYABLE.has(response.status) || response.status >= 500;
    throw new DeliveryError(`staff webhook ${url.origin} answered ${response.status}`, retryable);
  },
});
