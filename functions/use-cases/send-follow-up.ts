import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { OutgoingMessage } from '../channels/channel.ts';
import { routeFor, type Transports } from '../channels/channel-router.ts';
import type { Clock } from '../domain/clock.ts';
import { DeliveryError } from '../domain/errors.ts';
import { customerTimeZone } from '../domain/flows/payment-reminder.ts';
import { flowNamed } from '../domain/flows/registry.ts';
import { type FollowUpKey, followUpId } from '../domain/follow-ups/follow-up.ts';
import { buildMessageContext } from '../domain/rendering/message-context.ts';
import type { Renderer } from '../domain/rendering/renderer.ts';
import { getCustomerHistory } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { claimFollowUp, recordOutcome } from '../store/follow-up-store.ts';
import { readOrderPartition } from '../store/order-store.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';

export interface SendDeps {
  table: TableRef;
  clock: Clock;
  shops: ShopDirectory;
  renderer: Renderer;
  transports: Transports;
  logger: Logger;
  /** A claim older than this is presumed dead (its sender crashed) and may be taken over. */
  claimTimeoutMs: number;
  /** The send queue's maxReceiveCount: on the last receive a retryable failure becomes final. */
  maxAttempts: number;
  /** Backoff for retryable failures: base * 2^(attempt-1), capped. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

/** Ask SQS to bring the message back after `delaySeconds`; the follow-up stays queued. */
export class RetryLater extends Error {
  readonly delaySeconds: number;
  constructor(message: string, delaySeconds: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryLater';
    this.delaySeconds = delaySeconds;
  }
}

export type SendResult =
  | 'sent'
  | 'skipped'
  | 'rescheduled'
  | 'failed'
  | 'already-done'
  | 'claimed-elsewhere';

/** Stable per follow-up, so providers and webhook receivers can drop a repeat. */
export const messageIdOf = (key: FollowUpKey): string =>
  `msg_${createHash('sha256').update(followUpId(key)).digest('hex').slice(0, 32)}`;

const backoff = (deps: SendDeps, attempt: number): number =>
  Math.min(deps.retryMaxSeconds, deps.retryBaseSeconds * 2 ** Math.max(0, attempt - 1));

/**
 * Fires one follow-up: claim it, re-check it against current state, render, deliver, record.
 * `receiveCount` is how often SQS has handed this message out, counting this time.
 */
export const sendFollowUp = async (
  deps: SendDeps,
  key: FollowUpKey,
  receiveCount: number,
): Promise<SendResult> => {
  const now = deps.clock.now();
  const token = randomUUID();
  const claim = await claimFollowUp(
    deps.table,
    key,
    token,
    now,
    new Date(now.getTime() - deps.claimTimeoutMs),
  );
  const { order, followUps } = await readOrderPartition(deps.table, key.shopId, key.orderId);
  const followUp = followUps.find((f) => f.flow === key.flow && f.step === key.step);
  if (!followUp || !order) throw new Error(`no follow-up ${followUpId(key)}: nothing to send`);
  if (!claim.claimed) {
    // Another sender holds a live claim. Its lease in the due index brings the follow-up back if
    // that sender died; retrying here would only burn receives until the message hits the DLQ.
    return followUp.status === 'queued' ? 'claimed-elsewhere' : 'already-done';
  }
  const outcome = (o: Parameters<typeof recordOutcome>[3]) =>
    recordOutcome(deps.table, key, token, o, deps.clock.now());

  const shopRecord = await deps.shops.get(key.shopId);
  const flow = flowNamed(key.flow);
  if (!shopRecord || !flow) {
    await outcome({
      status: 'failed',
      reason: !flow ? `unknown flow '${key.flow}'` : 'shop no longer exists',
    });
    return 'failed';
  }
  const shop = shopRecord.shop;
  const customerId = order.data.customer?.id;
  const customer = customerId
    ? await getCustomerHistory(deps.table, shop.id, customerId)
    : undefined;
  const decision = flow.recheck({ order, followUps, customer, shop, now }, followUp);
  if (decision.action === 'skip') {
    await outcome({ status: 'skipped', reason: decision.reason });
    return 'skipped';
  }
  if (decision.action === 'reschedule') {
    await outcome({ status: 'scheduled', dueAt: decision.dueAt, reason: decision.reason });
    return 'rescheduled';
  }

  const channel = decision.channel;
  const route = routeFor(deps.transports, channel, shopRecord, order.data.customer);
  if ('error' in route) {
    await outcome({ status: 'failed', reason: route.error, channel });
    return 'failed';
  }
  const locale = order.data.customer?.locale ?? shop.defaultLocale;
  let message: OutgoingMessage;
  try {
    const rendered = deps.renderer.render({
      flow: key.flow,
      template: followUp.template,
      channel,
      locales: [locale, shop.defaultLocale, 'en'],
      context: buildMessageContext({
        order,
        shop,
        followUp: { ...followUp, channel },
        locale,
        now,
      }),
    });
    message = {
      id: messageIdOf(key),
      shopId: key.shopId,
      orderId: key.orderId,
      flow: key.flow,
      step: key.step,
      channel,
      to: route.to,
      ...(rendered.subject !== undefined ? { subject: rendered.subject } : {}),
      body: rendered.body,
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
      data: {
        category: followUp.category,
        orderNumber: order.data.number ?? order.orderId,
        total: order.data.total,
        currency: order.data.currency,
        customer: order.data.customer,
        timeZone: customerTimeZone(order, shop),
      },
    };
  } catch (err) {
    await outcome({
      status: 'failed',
      reason: `template error: ${(err as Error).message}`,
      channel,
    });
    return 'failed';
  }

  try {
    await route.transport.deliver(message);
  } catch (err) {
    const retryable = err instanceof DeliveryError ? err.retryable : true;
    const why = (err as Error).message;
    if (retryable && receiveCount < deps.maxAttempts) {
      await outcome({ status: 'queued', lastError: why });
      throw new RetryLater(
        `delivery of ${followUpId(key)} failed, will retry: ${why}`,
        backoff(deps, receiveCount),
        {
          cause: err,
        },
      );
    }
    const reason = retryable ? `gave up after ${receiveCount} attempts: ${why}` : why;
    await outcome({ status: 'failed', reason, channel });
    deps.logger.warn('follow-up failed', { followUp: followUpId(key), reason });
    return 'failed';
  }
  await outcome({ status: 'sent', channel, messageId: message.id });
  return 'sent';
};
