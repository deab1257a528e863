import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'luxon';
import { tipsTemplateFor } from '../../functions/domain/flows/care-tips.ts';
import { flowNamed } from '../../functions/domain/flows/registry.ts';
import type { Category } from '../../functions/domain/follow-ups/follow-up.ts';
import type { OrderEventType } from '../../functions/domain/order/order-event.ts';
import type { ContactLogEntry } from '../../functions/domain/policy/contact-log.ts';
import { decideContact, nextWithin } from '../../functions/domain/policy/contact-policy.ts';
import {
  defaultShopSettings,
  type QuietHoursWindow,
  type Shop,
  type ShopSettings,
} from '../../functions/domain/shop/shop-settings.ts';
import { defaultTemplatesDir } from '../../functions/templates/load-templates.ts';
import type { OrderScenario, ScenarioEvent } from './event-mix.ts';
import { SHOP_ID } from './event-mix.ts';

/** A duration from the shop's settings, so the table follows the defaults instead of copying them. */
type Setting = string | ((s: ShopSettings) => string);

/**
 * One row of the oracle: a message a flow owes an order. The row fires `offset` after its anchor
 * (an event of a type, a deadline of the order, or another row's message) unless one of `unless`
 * happened by then. The contact policy then moves or drops it through the engine's own
 * `decideContact`, fed with the messages the order got before (caps, consent, holdout).
 */
export interface ExpectationRule {
  flow: string;
  /** The step name; a function for steps named per anchor (e.g. `shipped-<shipmentId>`). */
  step: string | ((anchor: ScenarioEvent, nth: number) => string);
  /**
   * `each`: one message per event of the type; `nth`: only the events after the first (a partial
   * shipment). `after`: the instant another row's message of the order went out.
   */
  anchor:
    | { event: OrderEventType; each?: boolean; fromSecond?: boolean }
    | { deadline: 'payBy' }
    | { after: { flow: string; step: string } };
  /** ISO 8601 duration, may be negative ("-PT3H": three hours before a deadline). */
  offset: Setting;
  unless: OrderEventType[];
  /** How the contact policy treats the step: internal alerts pass, customer messages are checked. */
  category: Category;
  /** Hours the flow itself keeps before the policy looks (review requests: 10:00–20:00). */
  hours?: (s: ShopSettings) => QuietHoursWindow;
  /** Care tips go out only for an order with a product that has its own tips template. */
  needs?: 'care-tips-template';
}

/** What stops payment chasing: payment or any later progress, or the order ending. */
const SETTLED: OrderEventType[] = [
  'order.paid',
  'order.shipped',
  'order.out_for_delivery',
  'order.delivered',
  'order.completed',
  'order.cancelled',
  'order.closed',
  'order.refunded',
];

/** Refunded, cancelled or closed: only what the customer must still be told goes out. */
const CLOSED: OrderEventType[] = ['order.cancelled', 'order.closed', 'order.refunded'];
/** The parcel arrived: notices about its way there are stale. */
const ARRIVED: OrderEventType[] = ['order.delivered', 'order.completed'];
const SHIPPED_OR_LATER: OrderEventType[] = ['order.shipped', 'order.out_for_delivery', ...ARRIVED];

/** Payment reminders (催付) with the default shop settings; the sweep never fires in the mix. */
export const PAYMENT_REMINDER_RULES: ExpectationRule[] = [
  {
    flow: 'payment-reminder',
    step: 'first',
    anchor: { event: 'order.created' },
    offset: (s) => s.paymentReminder.firstAfter,
    unless: SETTLED,
    category: 'transactional',
  },
  {
    flow: 'payment-reminder',
    step: 'before-close',
    anchor: { deadline: 'payBy' },
    offset: (s) => `-${s.paymentReminder.beforeClose}`,
    unless: SETTLED,
    category: 'transactional',
  },
];

/** From payment to the parcel at the door: what the customer is told and what staff hear. */
export const FULFILMENT_RULES: ExpectationRule[] = [
  {
    flow: 'order-confirmation',
    step: 'confirmation',
    anchor: { event: 'order.paid' },
    offset: (s) => s.flows.orderConfirmation.confirmation.delay,
    unless: ['order.shipped', ...CLOSED],
    category: 'transactional',
  },
  {
    // The mix carries no shipBy, so the alert waits `afterPaidWithoutShipBy` from payment.
    flow: 'ship-deadline',
    step: 'alert',
    anchor: { event: 'order.paid' },
    offset: (s) => s.flows.shipDeadline.afterPaidWithoutShipBy,
    unless: [...SHIPPED_OR_LATER, ...CLOSED],
    category: 'internal',
  },
  {
    flow: 'shipping-notice',
    step: 'shipped',
    anchor: { event: 'order.shipped' },
    offset: (s) => s.flows.shippingNotice.shipped.delay,
    unless: ['order.delivered'],
    category: 'transactional',
  },
  {
    flow: 'shipping-notice',
    step: (e) => `shipped-${(e.order.shipment as { id: string }).id}`,
    anchor: { event: 'order.shipped', fromSecond: true },
    offset: (s) => s.flows.shippingNotice.shipped.delay,
    unless: ['order.delivered'],
    category: 'transactional',
  },
  {
    flow: 'out-for-delivery',
    step: 'arriving',
    anchor: { event: 'order.out_for_delivery' },
    offset: (s) => s.flows.outForDelivery.arriving.delay,
    unless: ['order.delivered'],
    category: 'transactional',
  },
  {
    flow: 'delivered',
    step: 'delivered',
    anchor: { event: 'order.delivered' },
    offset: (s) => s.flows.delivered.delivered.delay,
    unless: [],
    category: 'transactional',
  },
  {
    flow: 'delivery-exception',
    step: 'apology',
    anchor: { event: 'order.delivery_exception' },
    offset: (s) => s.flows.deliveryException.apology.delay,
    unless: ['order.delivered'],
    category: 'transactional',
  },
  {
    // Staff alerts reach the outbox as staffFallback: the demo shop has no staff webhook.
    flow: 'delivery-exception',
    step: 'alert',
    anchor: { event: 'order.delivery_exception' },
    offset: (s) => s.flows.deliveryException.alert.delay,
    unless: [],
    category: 'internal',
  },
  // A stall is 72 h with no tracking news after shipping (24 h once out for delivery). Every
  // shipment of the mix moves on within that, except the `stalled` kind's, which never does.
  {
    flow: 'stalled-parcel',
    step: 'alert',
    anchor: { event: 'order.shipped', each: false },
    offset: (s) => s.flows.stalledParcel.after,
    unless: ['order.out_for_delivery', 'order.delivery_exception', ...ARRIVED, ...CLOSED],
    category: 'internal',
  },
  {
    flow: 'stalled-parcel',
    step: 'apology',
    anchor: { event: 'order.shipped', each: false },
    offset: (s) => s.flows.stalledParcel.after,
    unless: ['order.out_for_delivery', 'order.delivery_exception', ...ARRIVED, ...CLOSED],
    category: 'transactional',
  },
];

/** After delivery: marketing, inside the contact policy's hours, caps and consent. */
export const AFTER_DELIVERY_RULES: ExpectationRule[] = [
  {
    flow: 'care-tips',
    step: 'tips',
    anchor: { event: 'order.delivered' },
    offset: (s) => s.flows.careTips.after,
    unless: CLOSED,
    category: 'marketing',
    needs: 'care-tips-template',
  },
  {
    flow: 'review-request',
    step: 'request',
    anchor: { event: 'order.delivered' },
    offset: (s) => s.flows.reviewRequest.after,
    unless: ['order.reviewed', 'order.refund_requested', ...CLOSED],
    category: 'marketing',
    hours: (s) => s.flows.reviewRequest.hours,
  },
  {
    flow: 'review-request',
    step: 'reminder',
    anchor: { after: { flow: 'review-request', step: 'request' } },
    offset: (s) => s.flows.reviewRequest.reminder.after,
    unless: ['order.reviewed', 'order.refund_requested', ...CLOSED],
    category: 'marketing',
    hours: (s) => s.flows.reviewRequest.hours,
  },
  {
    flow: 'satisfaction-survey',
    step: 'survey',
    anchor: { event: 'order.delivered' },
    offset: (s) => s.flows.satisfactionSurvey.after,
    unless: CLOSED,
    category: 'marketing',
  },
  // Repurchase reminders need items with repurchaseDays (none in the mix); win-back waits 60
  // days and greetings need a shop calendar: all beyond the mix, so no rows.
];

/** Every flow's rows, in the order a row may anchor on an earlier one. */
export const EXPECTATION_RULES: ExpectationRule[] = [
  ...PAYMENT_REMINDER_RULES,
  ...FULFILMENT_RULES,
  ...AFTER_DELIVERY_RULES,
];

export interface ExpectedMessage {
  orderId: string;
  flow: string;
  step: string;
  at: string;
}

/** The demo shop the local stack seeds: default settings, Shanghai. */
const DEMO_SHOP: Shop = {
  id: SHOP_ID,
  name: 'Demo Tea House',
  timeZone: 'Asia/Shanghai',
  defaultLocale: 'zh-CN',
  settings: defaultShopSettings(),
};

const signed = (iso: string): number => {
  const ms = Duration.fromISO(iso.replace(/^-/, '')).toMillis();
  return iso.startsWith('-') ? -ms : ms;
};

const anchorsOf = (
  rule: ExpectationRule,
  s: OrderScenario,
  sent: ExpectedMessage[],
): { at: number; e?: ScenarioEvent }[] => {
  const a = rule.anchor;
  if ('deadline' in a) return [{ at: Date.parse(s.payBy) }];
  if ('after' in a) {
    const m = sent.find((x) => x.flow === a.after.flow && x.step === a.after.step);
    return m ? [{ at: Date.parse(m.at) }] : [];
  }
  const matching = s.events.filter((e) => e.type === a.event);
  const chosen = a.fromSecond ? matching.slice(1) : a.each ? matching : matching.slice(0, 1);
  return chosen.map((e) => ({ at: Date.parse(e.at), e }));
};

interface Customer {
  id?: string;
  phone?: string;
  email?: string;
  timeZone?: string;
  marketingConsent?: boolean;
}

const hasTipsTemplate = (items: { sku: string }[] | undefined): boolean =>
  (items ?? []).some((i) =>
    existsSync(join(defaultTemplatesDir(), 'care-tips', tipsTemplateFor(i.sku))),
  );

/**
 * The instant the contact policy lets a message out, or undefined when it drops it: the engine's
 * `decideContact`, asked again at each instant it moves the message to.
 */
const policyTime = (
  rule: ExpectationRule,
  fire: number,
  customer: Customer,
  channel: 'sms' | 'email' | undefined,
  log: ContactLogEntry[],
  shop: Shop,
): number | undefined => {
  if (rule.category === 'internal') return fire;
  if (!channel) return undefined;
  const timeZone = customer.timeZone ?? shop.timeZone;
  let now = new Date(fire);
  for (let i = 0; i < 10; i++) {
    const d = decideContact({
      flow: rule.flow,
      category: rule.category,
      channel,
      subject: customer.id,
      holdoutPercent: flowNamed(rule.flow)?.holdoutPercent?.(shop) ?? 0,
      consent: customer.marketingConsent,
      preference: undefined,
      timeZone,
      log: log.filter((e) => Date.parse(e.at) <= now.getTime()),
      now,
      policy: shop.settings.contactPolicy,
    });
    if (d.action === 'send') return now.getTime();
    if (d.action === 'skip') return undefined;
    now = new Date(d.dueAt);
  }
  throw new Error(`${rule.flow}/${rule.step}: the contact policy kept moving it past ${now}`);
};

/** The messages an order should get by `until`, each once, from the rule table. */
export const expectedMessages = (
  scenarios: OrderScenario[],
  until: string,
  rules: ExpectationRule[] = EXPECTATION_RULES,
  shop: Shop = DEMO_SHOP,
): ExpectedMessage[] => {
  const end = Date.parse(until);
  const out: ExpectedMessage[] = [];
  for (const s of scenarios) {
    const data = (s.events.find((e) => e.type === 'order.created')?.order ?? {}) as {
      customer?: Customer;
      items?: { sku: string }[];
    };
    const customer = data.customer ?? {};
    const timeZone = customer.timeZone ?? shop.timeZone;
    // The shop's first channel the customer has an address for, as the engine picks it.
    const channel = shop.settings.contactPolicy.channels.find((c) =>
      c === 'sms' ? customer.phone !== undefined : customer.email !== undefined,
    );
    const sent: ExpectedMessage[] = [];
    const log: ContactLogEntry[] = [];
    for (const rule of rules) {
      if (rule.needs === 'care-tips-template' && !hasTipsTemplate(data.items)) continue;
      const offset = typeof rule.offset === 'string' ? rule.offset : rule.offset(shop.settings);
      anchorsOf(rule, s, sent).forEach((a, nth) => {
        let fire = a.at + signed(offset);
        if (rule.hours) {
          fire = nextWithin(new Date(fire), rule.hours(shop.settings), timeZone).getTime();
        }
        const at = policyTime(rule, fire, customer, channel, log, shop);
        if (at === undefined || at > end) return;
        const stopped = s.events.some(
          (e) => rule.unless.includes(e.type) && Date.parse(e.at) <= at,
        );
        if (stopped) return;
        const step =
          typeof rule.step === 'string' ? rule.step : a.e ? rule.step(a.e, nth) : String(nth);
        const m = { orderId: s.orderId, flow: rule.flow, step, at: new Date(at).toISOString() };
        sent.push(m);
        if (rule.category !== 'internal' && channel) {
          log.push({
            at: m.at,
            channel,
            category: rule.category,
            flow: rule.flow,
            step,
            orderId: s.orderId,
            address: (channel === 'sms' ? customer.phone : customer.email) ?? '',
            textHash: `${rule.flow}/${step}`,
            messageId: `${s.orderId}/${rule.flow}/${step}`,
          });
        }
      });
    }
    out.push(...sent);
  }
  return out;
};

export interface Delivered {
  orderId: string;
  flow: string;
  step: string;
  /** The message id: stable per follow-up. */
  id: string;
}

export interface InvariantReport {
  orders: number;
  expected: number;
  sent: number;
  lost: number;
  doubled: number;
  unexpected: number;
  examples: string[];
}

/**
 * Exactly once: each expected (order, flow, step) delivered once, nothing else delivered. Counts
 * provider calls, not distinct ids: a receiver that did not dedupe would see every one of them.
 */
export const checkExactlyOnce = (
  orders: number,
  expected: ExpectedMessage[],
  delivered: Delivered[],
): InvariantReport => {
  const key = (m: { orderId: string; flow: string; step: string }) =>
    `${m.orderId}/${m.flow}/${m.step}`;
  const counts = new Map<string, number>();
  for (const d of delivered) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
  const want = new Set(expected.map(key));
  const examples: string[] = [];
  let lost = 0;
  let doubled = 0;
  let unexpected = 0;
  for (const k of want) {
    const n = counts.get(k) ?? 0;
    if (n === 0) {
      lost++;
      if (examples.length < 5) examples.push(`lost ${k}`);
    } else if (n > 1) {
      doubled++;
      if (examples.length < 5) examples.push(`doubled ${k} (${n}×)`);
    }
  }
  for (const [k, n] of counts) {
    if (!want.has(k)) {
      unexpected += n;
      if (examples.length < 5) examples.push(`unexpected ${k}`);
    }
  }
  return {
    orders,
    expected: want.size,
    sent: delivered.length,
    lost,
    doubled,
    unexpected,
    examples,
  };
};
