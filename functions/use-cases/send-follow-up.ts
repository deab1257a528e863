import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { Duration } from 'luxon';
import type { ChannelTransport, DeliveryReceipt, OutgoingMessage } from '../channels/channel.ts';
import { routeFor, type Transports } from '../channels/channel-router.ts';
import type { Clock } from '../domain/clock.ts';
import { marketingConsentFor, normalizeAddress } from '../domain/consent/contact-preference.ts';
import { DeliveryError } from '../domain/errors.ts';
import { consentedChannel } from '../domain/flows/flow-steps.ts';
import { customerTimeZone } from '../domain/flows/payment-reminder.ts';
import { flowNamed, planOnSettle, recheckFollowUp } from '../domain/flows/registry.ts';
import {
  type Channel,
  type FollowUp,
  type FollowUpKey,
  followUpId,
  type NewFollowUp,
} from '../domain/follow-ups/follow-up.ts';
import {
  type ContactLogEntry,
  contactSubjectOf,
  emptyContactLog,
  textHashOf,
} from '../domain/policy/contact-log.ts';
import { decideContact, sameTextSent } from '../domain/policy/contact-policy.ts';
import { protectedContactFor, protectedContactReason } from '../domain/policy/protected-contact.ts';
import { missingRequired } from '../domain/rendering/context-schema.ts';
import { buildMessageContext } from '../domain/rendering/message-context.ts';
import type { RenderedMessage, Renderer } from '../domain/rendering/renderer.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import {
  ContactLogChanged,
  readContactLog,
  removeContact,
  writeContactLog,
} from '../store/contact-log-store.ts';
import { getContactPreference } from '../store/contact-preference-store.ts';
import { getCustomerHistory } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import {
  claimFollowUp,
  type Outcome,
  recordOutcome,
  settleUnclaimed,
  watchStaleClaim,
} from '../store/follow-up-store.ts';
import { planOnOrder, readOrderPartition } from '../store/order-store.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import type { ShopRenderers } from '../templates/shop-renderer.ts';

export interface SendDeps {
  table: TableRef;
  clock: Clock;
  shops: ShopDirectory;
  renderer: Renderer;
  /** A shop's own published words over the defaults; without it every shop gets `renderer`. */
  shopRenderers?: ShopRenderers;
  transports: Transports;
  logger: Logger;
  /** A claim older than this is presumed dead (its sender crashed) and may be taken over. */
  claimTimeoutMs: number;
  /** The send queue's maxReceiveCount: on the last receive a retryable failure becomes final. */
  maxAttempts: number;
  /** Backoff for retryable failures: base * 2^(attempt-1), capped. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** The signed one-click unsubscribe link for an address; marketing email is not sent without one. */
  unsubscribeLink?: (claim: {
    shopId: string;
    channel: 'email';
    address: string;
  }) => string | Promise<string>;
}

/** Another sender holds the follow-up (a live claim), or settled it meanwhile. */
class HeldElsewhere extends Error {
  constructor() {
    super('the follow-up is held by another sender or settled');
    this.name = 'HeldElsewhere';
  }
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

const MAX_RESERVE_ATTEMPTS = 8;

interface Prepared {
  message: OutgoingMessage;
  route: { transport: ChannelTransport; to: string };
  channel: Channel;
  /** The message holds a place in the customer's contact log, released if delivery fails for good. */
  logged: boolean;
  /** The template and, for a shop's own words, the version it was rendered from. */
  used: RenderedMessage['template'];
}

/** How far back the contact log is kept: the longest look-back of any rule that reads it. */
export const contactLogKeepSince = (shop: Shop, now: Date): Date => {
  const days = [
    'P7D',
    shop.settings.contactPolicy.sameTextWithin,
    shop.settings.flows.winBack.atMostEvery,
  ].map((d) => Duration.fromISO(d).toMillis());
  return new Date(now.getTime() - Math.max(...days));
};

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

type Backoff = Pick<SendDeps, 'retryBaseSeconds' | 'retryMaxSeconds'>;

const backoff = (deps: Backoff, attempt: number): number =>
  Math.min(deps.retryMaxSeconds, deps.retryBaseSeconds * 2 ** Math.max(0, attempt - 1));

/** SQS's longest visibility timeout: the furthest a retry can be put off. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** The backoff, or longer when a provider's rate limit asks for it (a throttled DeliveryError). */
export const retryDelaySeconds = (deps: Backoff, attempt: number, err: unknown): number => {
  const base = backoff(deps, attempt);
  return err instanceof DeliveryError && err.retryAfterSeconds !== undefined
    ? Math.min(MAX_VISIBILITY_SECONDS, Math.max(err.retryAfterSeconds, base))
    : base;
};

/**
 * Fires one follow-up: read it with its order, re-check it against current state, render, claim
 * it (before its place in the contact log and the delivery), deliver, record.
 * `receiveCount` is how often SQS has handed this message out, counting this time.
 */
export const sendFollowUp = async (
  deps: SendDeps,
  key: FollowUpKey,
  receiveCount: number,
): Promise<SendResult> => {
  const now = deps.clock.now();
  const token = randomUUID();
  // Read first: a step still queued on its order has no item yet, and its claim creates it. What
  // this read shows stays true once the claim is won, or was made by a concurrent event: a cancel
  // written before the claim makes the claim fail, one written after it is left to this sender.
  const partition = await readOrderPartition(deps.table, key.shopId, key.orderId);
  const { order, followUps } = partition;
  const followUp = followUps.find((f) => f.flow === key.flow && f.step === key.step);
  if (!followUp || !order) throw new Error(`no follow-up ${followUpId(key)}: nothing to send`);
  if (followUp.status !== 'queued') return 'already-done';
  const staleBefore = new Date(now.getTime() - deps.claimTimeoutMs);
  let claimed = false;
  /**
   * Claims the follow-up before the first thing only its owner may do (hold a place in the
   * contact log, deliver). A skip or a new time decided before that is written in one update with
   * the claim's condition instead (settleUnclaimed): no claim write for what is never sent.
   */
  const claim = async () => {
    if (claimed) return;
    if (!(await claimFollowUp(deps.table, followUp, token, now, staleBefore)).claimed) {
      throw new HeldElsewhere();
    }
    claimed = true;
  };
  /** Settles the follow-up without a claim, unless another sender holds or settled it meanwhile. */
  const settle = async (o: Parameters<typeof settleUnclaimed>[2], at: Date): Promise<void> => {
    if (!(await settleUnclaimed(deps.table, followUp, o, at, staleBefore))) {
      throw new HeldElsewhere();
    }
  };
  const fire = async (): Promise<SendResult> => {
    const shopRecord = await deps.shops.get(key.shopId);
    const flow = flowNamed(key.flow);
    if (!shopRecord || !flow) {
      const reason = !flow ? `unknown flow '${key.flow}'` : 'shop no longer exists';
      await settle({ status: 'failed', reason }, deps.clock.now());
      return 'failed';
    }
    const shop = shopRecord.shop;
    // Resolved as the follow-up fires: the live versions come with the shop read above.
    const renderer: Renderer = deps.shopRenderers
      ? await deps.shopRenderers.forShop(shopRecord)
      : deps.renderer;
    const customerId = order.data.customer?.id;
    const customer =
      customerId && flow.readsCustomerHistory
        ? await getCustomerHistory(deps.table, shop.id, customerId)
        : undefined;
    /** The steps the flow plans once this one is settled (sent, skipped or failed). */
    const planNext = (o: Outcome, at: Date): NewFollowUp[] => {
      if (o.status !== 'sent' && o.status !== 'skipped' && o.status !== 'failed') return [];
      const settled: FollowUp = {
        ...followUp,
        status: o.status,
        updatedAt: at.toISOString(),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.status === 'sent'
          ? { sentAt: at.toISOString(), channel: o.channel as Channel, messageId: o.messageId }
          : {}),
      };
      const after = followUps.map((f) => (f === followUp ? settled : f));
      return planOnSettle(flow, { order, followUps: after, customer, shop, now: at }, key.step);
    };
    const outcome = async (o: Outcome) => {
      const at = deps.clock.now();
      const next = planNext(o, at);
      // Before the outcome: should the process die in between, the retry plans them again.
      if (next.length) await planOnOrder(deps.table, key.shopId, key.orderId, next, partition);
      if (claimed) await recordOutcome(deps.table, key, token, o, at);
      else if (o.status === 'sent' || o.status === 'queued') {
        throw new Error(`${followUpId(key)}: delivered without a claim`);
      } else await settle(o, at);
    };
    const subject = contactSubjectOf(order.data.customer);
    const id = messageIdOf(key);
    const keepSince = contactLogKeepSince(shop, now);
    const policy = shop.settings.contactPolicy;
    const timeZone = customerTimeZone(order, shop);

    let prepared: Prepared | undefined;
    // The first read of the log may be stale (half the cost): a reservation made on it is a
    // conditional write that fails if so, and a skip it suggests is confirmed on a consistent read.
    let consistent = false;
    const readsLog = subject !== undefined && followUp.category !== 'internal';
    for (let attempt = 1; !prepared; attempt++) {
      const log = readsLog
        ? await readContactLog(deps.table, shop.id, subject, { consistent })
        : emptyContactLog();
      const confirmSkip = () => {
        if (!readsLog || consistent) return false;
        consistent = true;
        return true;
      };
      // A retry of a message that already holds its place in the log is not counted twice.
      const reserved = log.entries.some((e) => e.messageId === id);
      const contacts = log.entries.filter((e) => e.messageId !== id);
      const input = { order, followUps, customer, shop, now, contacts };
      const decision = recheckFollowUp(flow, input, followUp);
      if (decision.action === 'skip') {
        if (confirmSkip()) continue;
        await outcome({ status: 'skipped', reason: decision.reason });
        return 'skipped';
      }
      if (decision.action === 'reschedule') {
        await outcome({ status: 'scheduled', dueAt: decision.dueAt, reason: decision.reason });
        return 'rescheduled';
      }
      const channel =
        followUp.category === 'marketing'
          ? consentedChannel(order, shop, decision.channel)
          : decision.channel;
      const shielded =
        channel === 'sms' || channel === 'email'
          ? protectedContactFor(order.data.customer, channel)
          : undefined;
      if (shielded && !shopRecord.staffWebhook) {
        const reason = `${protectedContactReason(shielded)}; the shop has no staff webhook to relay this message to`;
        await outcome({ status: 'skipped', reason, channel });
        return 'skipped';
      }
      // A protected buyer's message goes to the shop's staff, who pass it on in the platform's chat.
      const route =
        shielded && shopRecord.staffWebhook
          ? {
              transport: deps.transports.staffWebhook(shopRecord.staffWebhook),
              to: shopRecord.staffWebhook.url,
            }
          : routeFor(deps.transports, channel, shopRecord, order.data.customer);
      if ('error' in route) {
        await outcome({ status: 'failed', reason: route.error, channel });
        return 'failed';
      }
      let template = followUp.template;
      let sku = followUp.about?.sku;
      if (flow.chooseTemplate) {
        const choice = flow.chooseTemplate(input, followUp, (t, c) => renderer.has(key.flow, t, c));
        if (!choice || !renderer.has(key.flow, choice.template, channel)) {
          await outcome({
            status: 'skipped',
            reason: `no ${key.flow} template for this order's products or the shop (${channel})`,
          });
          return 'skipped';
        }
        template = choice.template;
        sku = choice.sku ?? sku;
      }
      const toCustomer = channel === 'sms' || channel === 'email';
      const address = toCustomer ? normalizeAddress(channel, route.to) : route.to;
      if (toCustomer && !reserved) {
        const preference =
          followUp.category === 'marketing'
            ? await getContactPreference(deps.table, shop.id, channel, route.to)
            : undefined;
        const verdict = decideContact({
          flow: key.flow,
          category: followUp.category,
          channel,
          subject,
          holdoutPercent: flow.holdoutPercent?.(shop) ?? 0,
          consent: marketingConsentFor(order.data.customer, channel),
          preference,
          timeZone,
          log: contacts,
          now,
          policy,
        });
        if (verdict.action === 'skip') {
          if (confirmSkip()) continue;
          await outcome({ status: 'skipped', reason: verdict.reason, channel });
          return 'skipped';
        }
        if (verdict.action === 'reschedule') {
          await outcome({ status: 'scheduled', dueAt: verdict.dueAt, reason: verdict.reason });
          return 'rescheduled';
        }
      }
      let unsubscribeUrl: string | undefined;
      if (followUp.category === 'marketing' && channel === 'email') {
        if (!deps.unsubscribeLink) {
          await outcome({
            status: 'skipped',
            reason: 'marketing email needs an unsubscribe link and none is configured',
            channel,
          });
          return 'skipped';
        }
        unsubscribeUrl = await deps.unsubscribeLink({ shopId: shop.id, channel: 'email', address });
      }
      const locale = order.data.customer?.locale ?? shop.defaultLocale;
      const context = buildMessageContext({
        order,
        shop,
        followUp: {
          ...followUp,
          channel,
          ...(sku !== undefined ? { about: { ...followUp.about, sku } } : {}),
        },
        locale,
        now,
        ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
      });
      const missing = missingRequired(key.flow, channel, context);
      if (missing.length > 0) {
        await outcome({
          status: 'skipped',
          reason: `cannot send without ${missing.join(', ')}: the order carries none and the shop's settings.links has no pattern for it`,
          channel,
        });
        return 'skipped';
      }
      let message: OutgoingMessage;
      let used: RenderedMessage['template'];
      let renderedProviderTemplates: RenderedMessage['providerTemplates'];
      try {
        const rendered = renderer.render({
          flow: key.flow,
          template,
          channel,
          locales: [locale, shop.defaultLocale, 'en'],
          context,
        });
        used = rendered.template;
        renderedProviderTemplates = rendered.providerTemplates;
        message = {
          id,
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
            timeZone,
            ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
            ...(shielded
              ? { relay: { reason: protectedContactReason(shielded), protectedContact: shielded } }
              : {}),
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
      if ('provider' in route && route.provider) {
        // Aliyun and Tencent send only a template they approved, by its code and parameters.
        const approved = renderedProviderTemplates?.[route.provider];
        if (!approved) {
          await outcome({
            status: 'failed',
            reason: `${route.provider} sends only templates it approved, and ${used.key}${used.version !== undefined ? ` v${used.version}` : ' (the default)'} has no approved ${route.provider} template: publish the shop's own words and have them reviewed`,
            channel,
          });
          return 'failed';
        }
        message = { ...message, providerTemplate: approved };
      }
      if (toCustomer && !reserved) {
        const textHash = textHashOf(`${message.subject ?? ''}\n${message.body}`);
        const repeat = sameTextSent(contacts, address, textHash, now, policy);
        if (repeat) {
          if (confirmSkip()) continue;
          await outcome({ status: 'skipped', reason: repeat, channel });
          return 'skipped';
        }
        if (subject) {
          const entry: ContactLogEntry = {
            at: now.toISOString(),
            channel,
            category: followUp.category,
            flow: key.flow,
            step: key.step,
            orderId: key.orderId,
            address,
            textHash,
            messageId: id,
          };
          await claim();
          try {
            // Written before the provider call: two senders cannot both take a cap's last slot.
            await writeContactLog(
              deps.table,
              shop.id,
              subject,
              [...log.entries, entry],
              log.version,
              keepSince,
            );
          } catch (err) {
            if (err instanceof ContactLogChanged && attempt < MAX_RESERVE_ATTEMPTS) {
              consistent = true;
              continue;
            }
            throw err;
          }
        }
      }
      prepared = { message, route, channel, used, logged: toCustomer && subject !== undefined };
    }
    const { message, route, channel, used } = prepared;
    const release = async () => {
      if (prepared?.logged && subject) {
        await removeContact(deps.table, shop.id, subject, id, keepSince);
      }
    };

    await claim();
    let receipt: DeliveryReceipt = {};
    try {
      receipt = await route.transport.deliver(message);
    } catch (err) {
      const retryable = err instanceof DeliveryError ? err.retryable : true;
      const why = (err as Error).message;
      if (retryable && receiveCount < deps.maxAttempts) {
        await outcome({ status: 'queued', lastError: why });
        const wait = retryDelaySeconds(deps, receiveCount, err);
        throw new RetryLater(`delivery of ${followUpId(key)} failed, will retry: ${why}`, wait, {
          cause: err,
        });
      }
      const reason = retryable ? `gave up after ${receiveCount} attempts: ${why}` : why;
      await release();
      await outcome({ status: 'failed', reason, channel });
      deps.logger.warn('follow-up failed', { followUp: followUpId(key), reason });
      return 'failed';
    }
    await outcome({
      status: 'sent',
      channel,
      messageId: message.id,
      template: used,
      ...(receipt.providerMessageId
        ? {
            providerMessageId: receipt.providerMessageId,
            indexProviderId: receipt.lookupById === true,
          }
        : {}),
    });
    return 'sent';
  };
  try {
    return await fire();
  } catch (err) {
    if (!(err instanceof HeldElsewhere)) throw err;
    const current = (await readOrderPartition(deps.table, key.shopId, key.orderId)).stored.find(
      (f) => f.flow === key.flow && f.step === key.step,
    );
    if (current?.status !== 'queued') return 'already-done';
    // Another sender holds a live claim. Should it have died, the due index brings the follow-up
    // back once the claim may be taken over (a dispatcher's lease already does); retrying here
    // would only burn receives until the message hits the DLQ.
    await watchStaleClaim(deps.table, key, new Date(now.getTime() + deps.claimTimeoutMs + 1000));
    return 'claimed-elsewhere';
  }
};
