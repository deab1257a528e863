import { DateTime, Duration } from 'luxon';
import { marketingConsentFor } from '../consent/contact-preference.ts';
import type {
  Category,
  Channel,
  FireDecision,
  FollowUp,
  FollowUpSubject,
  NewFollowUp,
  Plan,
} from '../follow-ups/follow-up.ts';
import { isPending } from '../follow-ups/follow-up.ts';
import { type OrderState, statusOf } from '../order/order-state.ts';
import type { Shop } from '../shop/shop-settings.ts';
import type { FlowInput } from './flow.ts';

/** What every flow needs to plan and re-check its steps; the rules themselves stay in each flow. */
export const plus = (iso: string | Date, duration: string): Date =>
  DateTime.fromJSDate(new Date(iso)).plus(Duration.fromISO(duration)).toJSDate();

export const minus = (iso: string | Date, duration: string): Date =>
  DateTime.fromJSDate(new Date(iso)).minus(Duration.fromISO(duration)).toJSDate();

export const latest = (...isos: (string | undefined)[]): string | undefined =>
  isos
    .filter((x): x is string => x !== undefined)
    .map((x) => new Date(x).toISOString())
    .sort()
    .at(-1);

export const earliest = (...isos: (string | undefined)[]): string | undefined =>
  isos
    .filter((x): x is string => x !== undefined)
    .map((x) => new Date(x).toISOString())
    .sort()[0];

/** Why a closed order's follow-ups stop, in words staff read on the timeline. */
export const closedReason = (order: OrderState): string => {
  switch (statusOf(order)) {
    case 'cancelled':
      return 'order cancelled';
    case 'closed':
      return 'order closed';
    case 'refunded':
      return 'order refunded';
    default:
      return 'order paid';
  }
};

/**
 * The shop's preferred customer channel for which the customer has an address. A buyer whose
 * phone the platform protects gets 'sms' when nothing else reaches them: the sender relays that
 * message to staff, or skips it saying why.
 */
export const customerChannel = (order: OrderState, shop: Shop): 'sms' | 'email' | undefined => {
  const c = order.data.customer;
  const open = shop.settings.contactPolicy.channels.find((ch) =>
    ch === 'sms' ? c?.phone !== undefined && !c.protectedContact : c?.email !== undefined,
  );
  return open ?? (c?.protectedContact ? 'sms' : undefined);
};

/**
 * For marketing: the chosen channel if the customer consented to it, else the shop's next
 * channel they did consent to and have an address for (a Shopify customer subscribed to email
 * only gets the email); else the chosen one, for the contact policy to skip with its reason.
 */
export const consentedChannel = (order: OrderState, shop: Shop, chosen: Channel): Channel => {
  if (chosen !== 'sms' && chosen !== 'email') return chosen;
  const c = order.data.customer;
  if (marketingConsentFor(c, chosen) === true) return chosen;
  const other = shop.settings.contactPolicy.channels.find(
    (ch) =>
      ch !== chosen &&
      marketingConsentFor(c, ch) === true &&
      (ch === 'sms' ? c?.phone !== undefined && !c.protectedContact : c?.email !== undefined),
  );
  return other ?? chosen;
};

/** Re-check for a customer step: the channel to use now, or why there is none. */
export const sendToCustomer = (input: FlowInput): FireDecision => {
  const channel = customerChannel(input.order, input.shop);
  return channel
    ? { action: 'send', channel }
    : { action: 'skip', reason: 'no phone number or email address for the customer' };
};

export const mine = (followUps: FollowUp[], flow: string): FollowUp[] =>
  followUps.filter((f) => f.flow === flow);

export const stepOf = (followUps: FollowUp[], flow: string, step: string): FollowUp | undefined =>
  followUps.find((f) => f.flow === flow && f.step === step);

export const has = (followUps: FollowUp[], flow: string, step: string): boolean =>
  stepOf(followUps, flow, step) !== undefined;

export const cancelPending = (
  followUps: FollowUp[],
  flow: string,
  reason: string,
  which: (f: FollowUp) => boolean = () => true,
) =>
  mine(followUps, flow)
    .filter((f) => isPending(f) && which(f))
    .map((f) => ({ flow: f.flow, step: f.step, reason }));

export const newFollowUp = (
  input: FlowInput,
  spec: {
    flow: string;
    step: string;
    template?: string;
    category: Category;
    dueAt: Date;
    channel?: Channel;
    about?: FollowUpSubject;
    reason?: string;
  },
): NewFollowUp => ({
  shopId: input.order.shopId,
  orderId: input.order.orderId,
  flow: spec.flow,
  step: spec.step,
  template: spec.template ?? spec.step,
  channel:
    spec.channel ??
    (spec.category === 'internal'
      ? 'webhook'
      : (customerChannel(input.order, input.shop) ?? 'sms')),
  category: spec.category,
  dueAt: spec.dueAt.toISOString(),
  status: 'scheduled',
  createdAt: input.now.toISOString(),
  ...(spec.about ? { about: spec.about } : {}),
  ...(spec.reason ? { reason: spec.reason } : {}),
});

/**
 * The plan of a revisit that is one marketing step, `after` a milestone of the order (care tips,
 * survey, win-back): planned once, when the milestone is there and the flow is on.
 */
export const oneMarketingStep = (
  input: FlowInput,
  spec: { flow: string; step: string; enabled: boolean; from: string | undefined; after: string },
): Plan => ({
  create:
    spec.enabled && spec.from && !has(input.followUps, spec.flow, spec.step)
      ? [
          newFollowUp(input, {
            flow: spec.flow,
            step: spec.step,
            category: 'marketing',
            dueAt: plus(spec.from, spec.after),
          }),
        ]
      : [],
  cancel: [],
});

/** Lower-case, every run of other characters one dash: "TEA-250" → "tea-250". */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

export const off = (what: string): FireDecision => ({
  action: 'skip',
  reason: `${what} switched off for this shop`,
});
