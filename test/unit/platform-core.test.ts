import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hasAnyMarketingConsent,
  marketingConsentFor,
} from '../../functions/domain/consent/contact-preference.ts';
import { consentedChannel, customerChannel } from '../../functions/domain/flows/flow-steps.ts';
import { planFollowUps } from '../../functions/domain/flows/registry.ts';
import { stallDeadline } from '../../functions/domain/flows/stalled-parcel.ts';
import type { FollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import type { OrderEvent } from '../../functions/domain/order/order-event.ts';
import {
  applyEvent,
  emptyOrder,
  type OrderState,
  statusOf,
} from '../../functions/domain/order/order-state.ts';
import { chooseReminderChannel } from '../../functions/domain/policy/channel-choice.ts';
import {
  protectedContactFor,
  protectedContactReason,
} from '../../functions/domain/policy/protected-contact.ts';
import { defaultShopSettings, type Shop } from '../../functions/domain/shop/shop-settings.ts';
import { shopifyAdapter } from '../../functions/platforms/shopify/adapter.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/platforms/shopify');
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));

const shop: Shop = {
  id: 'demo',
  name: 'Demo Tea House',
  timeZone: 'Asia/Shanghai',
  defaultLocale: 'zh-CN',
  settings: defaultShopSettings(),
};

const shopify = (topic: string, body: unknown, eventId: string): OrderEvent[] => {
  const t = shopifyAdapter.translate({
    headers: { 'x-shopify-topic': topic, 'x-shopify-event-id': eventId },
    body: JSON.stringify(body),
  });
  if (t.kind !== 'events') throw new Error(JSON.stringify(t));
  return t.events as OrderEvent[];
};

/** As ingest does: each event to its own order (an order's delivery may also close its checkout). */
const applyAll = (state: OrderState, events: OrderEvent[], now = new Date()): OrderState =>
  events.filter((e) => e.order.id === state.orderId).reduce((s, e) => applyEvent(s, e, now), state);

describe('marketing consent per channel', () => {
  it.each([
    [{ marketingConsent: true }, 'sms', true],
    [{ marketingConsent: true, marketingConsentByChannel: { sms: false } }, 'sms', false],
    [{ marketingConsent: true, marketingConsentByChannel: { sms: false } }, 'email', true],
    [{ marketingConsentByChannel: { email: true } }, 'email', true],
    [{ marketingConsentByChannel: { email: true } }, 'sms', undefined],
    [undefined, 'email', undefined],
  ] as const)('%j on %s → %s', (customer, channel, wanted) => {
    expect(marketingConsentFor(customer, channel)).toBe(wanted);
  });

  it('plans marketing for a customer who consented on one channel only', () => {
    expect(hasAnyMarketingConsent({ marketingConsentByChannel: { sms: true } })).toBe(true);
    expect(hasAnyMarketingConsent({ marketingConsentByChannel: { sms: false } })).toBe(false);
    expect(hasAnyMarketingConsent({ marketingConsent: true })).toBe(true);
  });
});

describe('the channel of a marketing message', () => {
  const order = (customer: object): OrderState => ({
    ...emptyOrder('demo', 'O1'),
    data: { id: 'O1', customer: { phone: '+16136120707', email: 'bob@example.com', ...customer } },
  });
  it.each([
    [{ marketingConsentByChannel: { email: true } }, 'sms', 'email'],
    [{ marketingConsentByChannel: { sms: true, email: true } }, 'sms', 'sms'],
    [{ marketingConsentByChannel: { sms: true } }, 'email', 'sms'],
    [{ marketingConsent: false }, 'sms', 'sms'],
    [{ marketingConsentByChannel: { email: true }, email: undefined }, 'sms', 'sms'],
  ] as const)('%j, first choice %s → %s', (customer, chosen, wanted) => {
    expect(consentedChannel(order(customer), shop, chosen)).toBe(wanted);
  });
});

describe('a contact the platform protects', () => {
  const masked = { platform: 'douyin', kind: 'masked' as const, display: '138****8000' };
  const order = (customer: object): OrderState => ({
    ...emptyOrder('demo', 'O1'),
    data: { id: 'O1', customer },
  });

  it('is never the address: SMS always, email when no real address exists beside it', () => {
    expect(protectedContactFor({ protectedContact: masked }, 'sms')).toEqual(masked);
    expect(protectedContactFor({ protectedContact: masked }, 'email')).toEqual(masked);
    expect(protectedContactFor({ protectedContact: masked, email: 'a@example.com' }, 'email')).toBe(
      undefined,
    );
    expect(protectedContactFor({ email: 'a@example.com' }, 'sms')).toBeUndefined();
  });

  it('still gets its follow-ups planned, for the sender to relay or skip with a reason', () => {
    expect(customerChannel(order({ protectedContact: masked }), shop)).toBe('sms');
    expect(customerChannel(order({ protectedContact: masked, email: 'a@example.com' }), shop)).toBe(
      'email',
    );
    const choice = chooseReminderChannel(
      {
        ...order({ protectedContact: masked }),
        data: { id: 'O1', total: '10', customer: { protectedContact: masked } },
      },
      undefined,
      shop.settings.paymentReminder,
    );
    expect(choice.channel).toBe('sms');
    expect(protectedContactReason(masked)).toBe(
      "the buyer's phone is masked by douyin (138****8000): it is never messaged directly; staff reach the buyer in douyin's own chat",
    );
  });
});

describe('stale Shopify deliveries never move an order back', () => {
  const order = fixture('order-authorized.json');
  const at = (iso: string, extra: object = {}) => ({ ...order, updated_at: iso, ...extra });

  it('a redelivered orders/create older than what we hold changes neither status nor data', () => {
    const paid = shopify(
      'orders/paid',
      at('2024-04-02T10:00:00-05:00', { financial_status: 'paid' }),
      'e2',
    );
    const closed = shopify(
      'orders/updated',
      at('2024-04-02T12:00:00-05:00', {
        financial_status: 'paid',
        closed_at: '2024-04-02T12:00:00-05:00',
        email: 'new-address@example.com',
      }),
      'e3',
    );
    const stale = shopify('orders/create', at('2024-04-02T09:00:00-05:00'), 'e1');
    const state = applyAll(emptyOrder('demo', '450789469'), [...paid, ...closed, ...stale]);
    expect(statusOf(state)).toBe('completed');
    expect(state.data.customer?.email).toBe('new-address@example.com');
    expect(state.dataAsOf).toBe('2024-04-02T17:00:00.000Z');
  });

  it('a late orders/paid after the refund leaves the order refunded', () => {
    const refunded = shopify('refunds/create', fixture('refund.json'), 'r1');
    const latePaid = shopify(
      'orders/paid',
      at('2024-04-02T08:00:00-05:00', { financial_status: 'paid' }),
      'p1',
    );
    const state = applyAll(emptyOrder('demo', '450789469'), [...refunded, ...latePaid]);
    expect(statusOf(state)).toBe('refunded');
  });
});

describe('Shopify tracking updates push the stalled-parcel watch back', () => {
  it('in_transit 48 h after shipping moves the deadline to 72 h after it', () => {
    const shipped = shopify(
      'fulfillments/create',
      { ...fixture('fulfillment.json'), created_at: '2024-04-02T09:00:00Z' },
      'f1',
    );
    const moving = shopify(
      'fulfillment_events/create',
      {
        ...fixture('fulfillment-event.json'),
        fulfillment_id: 1069019879,
        happened_at: '2024-04-04T09:00:00Z',
      },
      'fe1',
    );
    const before = applyAll(emptyOrder('demo', '450789469'), shipped);
    expect(stallDeadline(before, shop)?.toISOString()).toBe('2024-04-05T09:00:00.000Z');
    const after = applyAll(before, moving);
    expect(stallDeadline(after, shop)?.toISOString()).toBe('2024-04-07T09:00:00.000Z');
    expect(after.data.shipment?.trackingNumber).toBe('1Z001985YW99744790');
  });
});

describe('an abandoned checkout', () => {
  const checkout = fixture('abandoned-checkout.json');
  const token = checkout.token as string;
  const now = new Date('2012-10-12T11:10:00Z');
  const plan = (state: OrderState, followUps: FollowUp[] = []) =>
    planFollowUps({ order: state, followUps, customer: undefined, shop, now });

  it('gets one marketing reminder 10 hours after it began, and nothing an order gets', () => {
    const state = applyAll(
      emptyOrder('demo', `checkout-${token}`),
      shopify('checkouts/create', checkout, 'c1'),
      now,
    );
    const p = plan(state);
    expect(p.create.map((f) => [f.flow, f.step, f.category, f.dueAt])).toEqual([
      ['abandoned-checkout', 'reminder', 'marketing', '2012-10-12T21:05:27.000Z'],
    ]);
  });

  it('is ended by the order placed from it', () => {
    const created = applyAll(
      emptyOrder('demo', `checkout-${token}`),
      shopify('checkouts/create', checkout, 'c1'),
      now,
    );
    const [reminder] = plan(created).create;
    const pending = { ...reminder, updatedAt: now.toISOString(), attempts: 0 } as FollowUp;
    const order = { ...fixture('order-authorized.json'), checkout_token: token };
    const closing = shopify('orders/create', order, 'o1').filter(
      (e) => e.order.id === `checkout-${token}`,
    );
    const closed = applyAll(created, closing, now);
    expect(plan(closed, [pending]).cancel).toEqual([
      {
        flow: 'abandoned-checkout',
        step: 'reminder',
        reason: 'checkout completed: an order was placed from it',
      },
    ]);
  });

  it('is no order: orders never plan the checkout reminder', () => {
    const state = applyAll(
      emptyOrder('demo', '1073459974'),
      shopify('orders/create', fixture('order-pending.json'), 'o2'),
      now,
    );
    expect(plan(state).create.some((f) => f.flow === 'abandoned-checkout')).toBe(false);
  });
});
