import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.ts';
import { type OrderEvent, orderEventSchema } from '../../functions/domain/order/order-event.ts';
import type { Translation } from '../../functions/platforms/platform.ts';
import { shopifyAdapter } from '../../functions/platforms/shopify/adapter.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/platforms/shopify');
const raw = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');
const fixture = (file: string): Record<string, unknown> => JSON.parse(raw(file));

const translate = (topic: string, body: unknown, headers: Record<string, string> = {}) =>
  shopifyAdapter.translate({
    headers: { 'x-shopify-topic': topic, 'x-shopify-event-id': 'evt-1', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const eventsOf = (t: Translation): OrderEvent[] => {
  if (t.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(t)}`);
  return t.events as OrderEvent[];
};

const withStatus = (status: string) => ({ ...fixture('fulfillment-event.json'), status });

interface Row {
  row: string;
  topic: string;
  body: unknown;
  /** The canonical events, as (type, order id). */
  expect: [string, string][];
  check?: (events: OrderEvent[]) => void;
}

// Every Shopify row of issue 11's mapping table, on Shopify's own sample payloads (see
// test/fixtures/platforms/shopify/README.md); a row that needs another state of the same payload
// changes one field of it, named in the row.
const ROWS: Row[] = [
  {
    row: 'order.created: orders/create, pending = unpaid',
    topic: 'orders/create',
    body: fixture('order-pending.json'),
    expect: [['order.created', '1073459974']],
    check: ([created]) => {
      expect(created?.order.number).toBe('#1002');
      expect(created?.order.total).toBe('199.00');
    },
  },
  {
    row: 'order.created: orders/create, authorized = unpaid; its checkout is closed',
    topic: 'orders/create',
    body: fixture('order-authorized.json'),
    expect: [
      ['order.created', '450789469'],
      ['order.closed', 'checkout-bd5a8aa1ecd019dd3520ff791ee3a24c'],
    ],
  },
  {
    row: 'order.paid: orders/create already paid',
    topic: 'orders/create',
    body: fixture('order-paid.json'),
    expect: [
      ['order.created', '1073459981'],
      ['order.paid', '1073459981'],
    ],
  },
  {
    row: 'order.paid: orders/paid',
    topic: 'orders/paid',
    body: { ...fixture('order-authorized.json'), financial_status: 'paid' },
    expect: [
      ['order.paid', '450789469'],
      ['order.closed', 'checkout-bd5a8aa1ecd019dd3520ff791ee3a24c'],
    ],
  },
  {
    row: 'order.shipped: fulfillments/create with tracking number, company and URL',
    topic: 'fulfillments/create',
    body: fixture('fulfillment.json'),
    expect: [['order.shipped', '450789469']],
    check: ([shipped]) =>
      expect(shipped?.order.shipment).toEqual({
        id: '1069019879',
        carrier: 'UPS',
        trackingNumber: '1Z001985YW99744790',
        trackingUrl:
          'https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z001985YW99744790',
        skus: ['crappy_shoes_red'],
      }),
  },
  {
    row: 'order.shipped: a later fulfillment is a partial shipment naming its line items',
    topic: 'fulfillments/create',
    body: fixture('fulfillment-second.json'),
    expect: [['order.shipped', '450789469']],
    check: ([shipped]) => {
      expect(shipped?.order.shipment?.id).toBe('1069019884');
      expect(shipped?.order.shipment?.skus).toEqual(['crappy_shoes_red']);
      expect(shipped?.order.shipment?.trackingNumber).toBe('MS1562678');
    },
  },
  {
    row: 'order.out_for_delivery: fulfillment_events/create out_for_delivery (status changed)',
    topic: 'fulfillment_events/create',
    body: withStatus('out_for_delivery'),
    expect: [['order.out_for_delivery', '450789469']],
    check: ([e]) => expect(e?.order.shipment?.id).toBe('255858046'),
  },
  {
    row: 'order.delivered: fulfillment_events/create delivered (status changed)',
    topic: 'fulfillment_events/create',
    body: withStatus('delivered'),
    expect: [['order.delivered', '450789469']],
  },
  {
    row: 'order.delivered: fulfillment_events/create picked_up, for pickup (status changed)',
    topic: 'fulfillment_events/create',
    body: withStatus('picked_up'),
    expect: [['order.delivered', '450789469']],
  },
  ...['failure', 'attempted_delivery', 'delayed'].map(
    (status): Row => ({
      row: `order.delivery_exception: fulfillment_events/create ${status} (status changed)`,
      topic: 'fulfillment_events/create',
      body: { ...withStatus(status), message: 'Recipient not at home' },
      expect: [['order.delivery_exception', '450789469']],
      check: ([e]) => {
        expect(e?.order.shipment?.exceptionCode).toBe(status);
        expect(e?.order.shipment?.exceptionMessage).toBe('Recipient not at home');
      },
    }),
  ),
  {
    row: 'tracking update: fulfillment_events/create in_transit (the sample as published)',
    topic: 'fulfillment_events/create',
    body: fixture('fulfillment-event.json'),
    expect: [['order.shipped', '450789469']],
    check: ([e]) =>
      expect(e?.order.shipment).toEqual({
        id: '255858046',
        lastUpdateAt: '2024-04-02T09:30:58-05:00',
      }),
  },
  {
    row: 'tracking update: fulfillment_events/create carrier_picked_up (status changed)',
    topic: 'fulfillment_events/create',
    body: withStatus('carrier_picked_up'),
    expect: [['order.shipped', '450789469']],
    check: ([e]) => expect(e?.order.shipment?.lastUpdateAt).toBe('2024-04-02T09:30:58-05:00'),
  },
  {
    row: 'order.completed: closed_at set on orders/updated',
    topic: 'orders/updated',
    body: fixture('order-closed.json'),
    expect: [
      ['order.paid', '450789469'],
      ['order.completed', '450789469'],
    ],
    check: (events) =>
      expect(events.find((e) => e.type === 'order.completed')?.occurredAt).toBe(
        '2024-04-02T09:04:41-05:00',
      ),
  },
  {
    row: 'order.refunded: refunds/create',
    topic: 'refunds/create',
    body: fixture('refund.json'),
    expect: [['order.refunded', '450789469']],
    check: ([e]) => expect(e?.occurredAt).toBe('2024-04-02T09:01:05-05:00'),
  },
  {
    row: 'order.cancelled: orders/cancelled',
    topic: 'orders/cancelled',
    body: fixture('order-cancel.json'),
    expect: [['order.cancelled', '450789469']],
  },
  {
    row: 'abandoned checkout: checkouts/create without completed_at, its recovery URL the pay link',
    topic: 'checkouts/create',
    body: fixture('abandoned-checkout.json'),
    expect: [['order.created', 'checkout-2a1ace52255252df566af0faaedfbfa7']],
    check: ([e]) => {
      expect(e?.order.checkout).toEqual({ token: '2a1ace52255252df566af0faaedfbfa7' });
      expect(e?.order.paymentUrl).toBe(
        'https://checkout.local/548380009/checkouts/2a1ace52255252df566af0faaedfbfa7/recover',
      );
      expect(e?.order.total).toBe('379.69');
      expect(e?.order.customer?.locale).toBe('en');
    },
  },
  {
    row: 'abandoned checkout: checkouts/update with completed_at closes it (completed_at set)',
    topic: 'checkouts/update',
    body: { ...fixture('abandoned-checkout.json'), completed_at: '2012-10-12T08:05:27-04:00' },
    expect: [['order.closed', 'checkout-2a1ace52255252df566af0faaedfbfa7']],
  },
];

describe('Shopify mapping, every row on the sample payloads', () => {
  it.each(ROWS)('$row', ({ topic, body, expect: wanted, check }) => {
    const events = eventsOf(translate(topic, body));
    expect(events.map((e) => [e.type, e.order.id])).toEqual(wanted);
    for (const e of events) {
      expect(orderEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
      expect(e.id).toMatch(/^shopify:evt-1:/);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    check?.(events);
  });

  it.each([
    ['label_printed', /label was printed/],
    ['confirmed', /carrier confirmed/],
    ['something_new', /not one we use/],
  ])('ignores the fulfillment event status %s, saying why', (status, reason) => {
    const t = translate('fulfillment_events/create', withStatus(status));
    expect(t).toEqual({ kind: 'ignored', reason: expect.stringMatching(reason) });
  });

  it('answers topics we do not use as ignored with the topic named', () => {
    expect(translate('products/create', { id: 1 })).toEqual({
      kind: 'ignored',
      reason: "topic 'products/create' is not one we use",
    });
  });

  it('ignores orders/updated when nothing a follow-up depends on changed', () => {
    const t = translate('orders/updated', fixture('order-pending.json'));
    expect(t.kind).toBe('ignored');
  });
});

describe('Shopify customer data', () => {
  const created = (body: Record<string, unknown>) => eventsOf(translate('orders/create', body))[0];

  it('takes name, phone, email, time zone from the shipping address, and consent per channel', () => {
    expect(created(fixture('order-authorized.json'))?.order.customer).toEqual({
      id: '207119551',
      name: 'Bob Norman',
      phone: '+16136120707',
      email: 'bob.norman@mail.example.com',
      timeZone: 'America/New_York',
      marketingConsentByChannel: { email: false, sms: false },
    });
  });

  it.each([
    ['subscribed', 'not_subscribed', { email: true, sms: false }],
    ['not_subscribed', 'subscribed', { email: false, sms: true }],
    ['pending', 'unsubscribed', { email: false, sms: false }],
    ['redacted', 'subscribed', { email: false, sms: true }],
  ])('email %s and sms %s give %j: only subscribed is consent', (email, sms, wanted) => {
    const order = fixture('order-authorized.json');
    const customer = order.customer as Record<string, unknown>;
    const body = {
      ...order,
      customer: {
        ...customer,
        email_marketing_consent: { state: email },
        sms_marketing_consent: { state: sms },
      },
    };
    expect(created(body)?.order.customer?.marketingConsentByChannel).toEqual(wanted);
  });

  it('leaves consent unknown when Shopify tells none, and guesses no country for a bare number', () => {
    const order = fixture('order-authorized.json');
    const customer = { id: 1, first_name: 'Ann', phone: '555-625-1199' };
    const c = created({
      ...order,
      customer,
      phone: null,
      shipping_address: null,
      billing_address: null,
    })?.order.customer;
    expect(c?.marketingConsentByChannel).toBeUndefined();
    expect(c?.phone).toBeUndefined();
    expect(c?.timeZone).toBeUndefined();
  });

  it('takes the locale, and the shipping address phone in E.164 when that is the only one', () => {
    const order = fixture('order-authorized.json');
    const customer = { ...(order.customer as object), phone: null };
    const c = created({ ...order, customer, phone: null, customer_locale: 'zh-CN' })?.order
      .customer;
    expect(c?.locale).toBe('zh-CN');
    expect(c?.phone).toBe('+15024592181');
  });

  it('keeps money as decimal strings and 64-bit ids exact', () => {
    const big = '820982911946154508';
    const body = raw('order-authorized.json')
      .replace('"id": 450789469,', `"id": ${big},`)
      .replace('gid://shopify/Order/450789469', `gid://shopify/Order/${big}`);
    const [e] = eventsOf(translate('orders/create', body));
    expect(e?.order.id).toBe(big);
    expect(e?.order.items?.map((i) => i.price)).toEqual(['199.00', '199.00', '199.00']);
    const refund = raw('refund.json').replace('"order_id": 450789469', `"order_id": ${big}`);
    expect(eventsOf(translate('refunds/create', refund))[0]?.order.id).toBe(big);
  });

  it('uses X-Shopify-Triggered-At when the payload tells no time', () => {
    const body = { ...fixture('refund.json'), processed_at: null, created_at: null };
    const [e] = eventsOf(
      translate('refunds/create', body, { 'x-shopify-triggered-at': '2024-04-02T14:01:05Z' }),
    );
    expect(e?.occurredAt).toBe('2024-04-02T14:01:05Z');
  });

  it('takes X-Shopify-Webhook-Id when there is no X-Shopify-Event-Id', () => {
    const t = shopifyAdapter.translate({
      headers: { 'x-shopify-topic': 'refunds/create', 'x-shopify-webhook-id': 'wh-7' },
      body: raw('refund.json'),
    });
    expect(eventsOf(t)[0]?.id).toBe('shopify:wh-7:order.refunded');
  });
});

describe('Shopify privacy topics', () => {
  it.each([
    [
      'customers/data_request',
      'customers-data-request.json',
      {
        kind: 'customer-data-request',
        customerId: '191167',
        email: 'john@example.com',
        phone: '555-625-1199',
        orderIds: ['299938', '280263', '220458'],
      },
    ],
    [
      'customers/redact',
      'customers-redact.json',
      {
        kind: 'customer-redact',
        customerId: '191167',
        email: 'john@example.com',
        phone: '555-625-1199',
        orderIds: ['299938', '280263', '220458'],
      },
    ],
    ['shop/redact', 'shop-redact.json', { kind: 'shop-redact' }],
  ])('%s becomes a privacy request', (topic, file, request) => {
    expect(translate(topic, raw(file))).toEqual({ kind: 'privacy', request });
  });
});

describe('Shopify bodies we cannot read', () => {
  const failure = (fn: () => unknown): ValidationError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return err as ValidationError;
    }
    throw new Error('accepted, expected a 400');
  };

  it('names a body that is not JSON', () => {
    expect(failure(() => translate('orders/create', '{"id": ')).message).toMatch(/not valid JSON/);
  });

  it('names every bad field of an order', () => {
    const body = { ...fixture('order-pending.json'), id: 'abc', created_at: 'yesterday' };
    const paths = failure(() => translate('orders/create', body)).details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'created_at']));
  });

  it('names missing headers', () => {
    const err = failure(() => shopifyAdapter.translate({ headers: {}, body: '{}' }));
    expect(err.details.map((d) => d.path)).toEqual(['X-Shopify-Topic', 'X-Shopify-Event-Id']);
  });

  it('bounds what it reads: an oversized field is a 400, not stored', () => {
    const body = { ...fixture('order-pending.json'), name: 'x'.repeat(65) };
    expect(failure(() => translate('orders/create', body)).details[0]?.path).toBe('name');
  });
});
