import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../functions/domain/errors.ts';
import type { OrderEventType } from '../../../functions/domain/order/order-event.ts';
import { applyEvent, emptyOrder, statusOf } from '../../../functions/domain/order/order-state.ts';
import type { PlatformConnection, PlatformRequest } from '../../../functions/platforms/platform.ts';
import { wooCommerceAdapter } from '../../../functions/platforms/woocommerce/adapter.ts';
import { wooCommerceSignature } from '../../../functions/platforms/woocommerce/signature.ts';
import { eventsOf, fixture, paths } from './platform-fixtures.ts';

const SECRET = 'demo-woocommerce-secret';
const connection: PlatformConnection = { platform: 'woocommerce', secrets: [SECRET] };
const processing = fixture('woocommerce', 'order-727-processing.json');
const completedWithTracking = fixture('woocommerce', 'order-727-completed-tracking.json');

const delivery = (
  body: string,
  topic = 'order.updated',
  secret = SECRET,
  extra: Record<string, string> = {},
): PlatformRequest => ({
  headers: {
    'content-type': 'application/json',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': topic.split('.')[0],
    'x-wc-webhook-delivery-id': 'f2b6b9a3c4d5e6f708192a3b4c5d6e7f',
    'x-wc-webhook-signature': wooCommerceSignature(body, secret),
    ...extra,
  },
  body,
});

/** The documented order 727 with another status and modification time. */
const withStatus = (status: string, modified = '2017-03-22T19:28:08', base = processing): string =>
  JSON.stringify({ ...JSON.parse(base), status, date_modified_gmt: modified });

const translate = (req: PlatformRequest) => wooCommerceAdapter.translate(req);

describe('WooCommerce signature (X-WC-Webhook-Signature)', () => {
  // Computed with `openssl dgst -sha256 -hmac demo-woocommerce-secret -binary | base64` over the
  // fixture's exact bytes: an implementation independent of node:crypto.
  const KNOWN = 'LlUdoZ+0gPta0ivnigXciBXiRBuFako+DpsRuel+TUs=';
  const signed = (signature: string | undefined, body = processing): PlatformRequest => ({
    headers: { 'x-wc-webhook-topic': 'order.updated', 'x-wc-webhook-signature': signature },
    body,
  });

  it('accepts the known base64 HMAC-SHA256 of the raw body', () => {
    expect(() => wooCommerceAdapter.verify(signed(KNOWN), connection)).not.toThrow();
  });

  const rejected: { name: string; req: PlatformRequest; conn?: PlatformConnection; msg: RegExp }[] =
    [
      { name: 'wrong secret', req: delivery(processing, 'order.updated', 'other'), msg: /none/ },
      {
        name: 'tampered body',
        req: signed(KNOWN, processing.replace('29.35', '0.01')),
        msg: /none/,
      },
      { name: 'missing header', req: signed(undefined), msg: /missing signature header/ },
      {
        name: 'hex instead of base64',
        req: signed('2e551da19fb480fb5ad22be78a05dc8815e2441b856a4a3e0e9b11b9e97e4d4b'),
        msg: /none/,
      },
      {
        name: 'shop without a secret',
        req: signed(KNOWN),
        conn: { platform: 'woocommerce', secrets: [] },
        msg: /no WooCommerce webhook secret/,
      },
    ];
  it.each(rejected)('rejects $name', ({ req, conn, msg }) => {
    expect(() => wooCommerceAdapter.verify(req, conn ?? connection)).toThrow(UnauthorizedError);
    expect(() => wooCommerceAdapter.verify(req, conn ?? connection)).toThrow(msg);
  });

  it('accepts either secret while one rotates', () => {
    const rotating = { platform: 'woocommerce' as const, secrets: ['new-secret', SECRET] };
    expect(() => wooCommerceAdapter.verify(signed(KNOWN), rotating)).not.toThrow();
    const fresh = delivery(processing, 'order.updated', 'new-secret');
    expect(() => wooCommerceAdapter.verify(fresh, rotating)).not.toThrow();
  });
});

describe('WooCommerce ping on webhook creation', () => {
  const ping: PlatformRequest = {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fixture('woocommerce', 'ping.txt'),
  };

  it('passes unsigned and means ping (nothing to store)', () => {
    expect(() => wooCommerceAdapter.verify(ping, connection)).not.toThrow();
    expect(translate(ping)).toEqual({ kind: 'ping' });
  });

  it.each([
    ['an extra field', 'webhook_id=42&status=processing'],
    ['a non-numeric id', 'webhook_id=abc'],
    ['JSON', '{"webhook_id":42}'],
  ])('requires a signature for a look-alike with %s', (_name, body) => {
    expect(() => wooCommerceAdapter.verify({ headers: {}, body }, connection)).toThrow(
      UnauthorizedError,
    );
  });

  it('is no ping when it carries a topic', () => {
    const req = { headers: { 'x-wc-webhook-topic': 'order.updated' }, body: 'webhook_id=42' };
    expect(() => wooCommerceAdapter.verify(req, connection)).toThrow(UnauthorizedError);
  });
});

describe('WooCommerce status mapping', () => {
  const rows: { status: string; topic?: string; types: OrderEventType[] }[] = [
    { status: 'pending', topic: 'order.created', types: ['order.created'] },
    { status: 'on-hold', topic: 'order.created', types: ['order.created'] },
    { status: 'pending', types: ['order.created'] },
    { status: 'processing', topic: 'order.created', types: ['order.paid'] },
    { status: 'processing', types: ['order.paid'] },
    { status: 'completed', types: ['order.paid', 'order.completed'] },
    { status: 'refunded', types: ['order.refunded'] },
    { status: 'cancelled', types: ['order.cancelled'] },
    { status: 'failed', types: ['order.cancelled'] },
    { status: 'processing', topic: 'order.restored', types: ['order.paid'] },
  ];
  it.each(rows)('$topic $status → $types', ({ status, topic, types }) => {
    const events = eventsOf(translate(delivery(withStatus(status), topic)));
    expect(events.map((e) => e.type)).toEqual(types);
    for (const e of events) {
      expect(e.order.id).toBe('727');
      expect(e.occurredAt).toBe('2017-03-22T19:28:08.000Z');
    }
  });

  it('turns Shipment Tracking items into order.shipped beside the status events', () => {
    const events = eventsOf(translate(delivery(completedWithTracking)));
    expect(events.map((e) => e.type)).toEqual(['order.paid', 'order.completed', 'order.shipped']);
    expect(events[2]?.order.shipment).toEqual({
      id: '6b7f3cf1b2a9e5c0f1a2d3e4b5c6d7e8',
      carrier: 'usps',
      trackingNumber: '9400111899223197428490',
    });
    expect(events[2]?.id).toBe('woocommerce:727:shipped:6b7f3cf1b2a9e5c0f1a2d3e4b5c6d7e8');
  });

  it('takes a custom carrier and its link, one event per parcel', () => {
    const order = JSON.parse(completedWithTracking);
    order.meta_data.at(-1).value = [
      {
        tracking_provider: '',
        custom_tracking_provider: 'Dropp',
        custom_tracking_link: 'https://dropp.is/track/DR1',
        tracking_number: 'DR1',
        tracking_id: 'a1',
      },
      {
        tracking_provider: 'dhl',
        tracking_number: 'JD0002',
        tracking_id: 'a2',
        custom_tracking_link: 'javascript:alert(1)',
      },
    ];
    const shipped = eventsOf(translate(delivery(JSON.stringify(order)))).filter(
      (e) => e.type === 'order.shipped',
    );
    expect(shipped.map((e) => e.order.shipment)).toEqual([
      {
        id: 'a1',
        carrier: 'Dropp',
        trackingNumber: 'DR1',
        trackingUrl: 'https://dropp.is/track/DR1',
      },
      { id: 'a2', carrier: 'dhl', trackingNumber: 'JD0002' },
    ]);
  });

  it('sets unreadable tracking meta aside with a reason and keeps the status events', () => {
    const order = JSON.parse(completedWithTracking);
    order.meta_data.at(-1).value = 'a:1:{i:0;s:3:"bad";}';
    const t = translate(delivery(JSON.stringify(order)));
    expect(eventsOf(t).map((e) => e.type)).toEqual(['order.paid', 'order.completed']);
    expect(t.kind === 'events' && t.ignored).toEqual([
      { reason: '_wc_shipment_tracking_items is not a list of tracking items' },
    ]);
  });

  it.each([
    ['trash', 'order.updated', /status 'trash'/],
    ['checkout-draft', 'order.updated', /status 'checkout-draft'/],
    ['constructor', 'order.updated', /status 'constructor'/],
    ['__proto__', 'order.updated', /status '__proto__'/],
  ])('ignores status %s with a reason', (status, topic, reason) => {
    const t = translate(delivery(withStatus(status), topic));
    expect(t.kind).toBe('ignored');
    expect(t.kind === 'ignored' && t.reason).toMatch(reason);
  });

  it.each([
    ['product.updated', /topic 'product.updated'/],
    ['customer.created', /topic 'customer.created'/],
    ['action.woocommerce_add_to_cart', /not one we follow/],
    ['order.deleted', /carries only the order id/],
  ])('ignores topic %s without reading the body', (topic, reason) => {
    const t = translate(delivery('{"id": "not an order at all"', topic));
    expect(t.kind === 'ignored' && t.reason).toMatch(reason);
  });

  it('answers 200 with the outcome, and the reason when ignored', () => {
    expect(wooCommerceAdapter.answer('accepted')).toEqual({
      statusCode: 200,
      body: { status: 'accepted' },
    });
    expect(wooCommerceAdapter.answer('ignored', 'topic x')).toEqual({
      statusCode: 200,
      body: { status: 'ignored', reason: 'topic x' },
    });
    expect(wooCommerceAdapter.answer('duplicate').statusCode).toBe(200);
  });
});

describe('WooCommerce order data', () => {
  it('maps the documented order 727', () => {
    const [event] = eventsOf(translate(delivery(processing)));
    expect(event?.order).toEqual({
      id: '727',
      number: '727',
      createdAt: '2017-03-22T19:28:02.000Z',
      currency: 'USD',
      total: '29.35',
      items: [
        { sku: 'product-93', name: 'Woo Single #1', quantity: 2, price: '3.00' },
        {
          sku: 'Bar3',
          name: 'Ship Your Idea &ndash; Color: Black, Size: M Test',
          quantity: 1,
          price: '12.00',
        },
      ],
      // (555) 555-5555 is no valid US number, so no phone; a guest (customer_id 0) has no id.
      customer: { name: 'John Doe', email: 'john.doe@example.com' },
      shippingAddress: {
        name: 'John Doe',
        country: 'US',
        region: 'CA',
        city: 'San Francisco',
        line1: '969 Market',
        postalCode: '94103',
      },
    });
  });

  it.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['138 0013 8000', 'CN', '+8613800138000'],
    ['12', 'US', undefined],
    ['call me', 'US', undefined],
  ])('gives phone %s in %s as %s', (phone, country, expected) => {
    const order = JSON.parse(processing);
    order.billing = { ...order.billing, phone, country };
    order.customer_id = 26;
    const [event] = eventsOf(translate(delivery(JSON.stringify(order))));
    expect(event?.order.customer?.phone).toBe(expected);
    expect(event?.order.customer?.id).toBe('26');
  });

  it('derives identity from the order, not from the per-delivery id', () => {
    const once = eventsOf(translate(delivery(processing)));
    const again = eventsOf(
      translate(
        delivery(processing, 'order.updated', SECRET, { 'x-wc-webhook-delivery-id': 'other' }),
      ),
    );
    expect(again.map((e) => e.id)).toEqual(once.map((e) => e.id));
    expect(once[0]?.id).toBe('woocommerce:727:processing@2017-03-22T19:28:08.000Z:paid');
    const later = eventsOf(translate(delivery(withStatus('processing', '2017-03-23T08:00:00'))));
    expect(later[0]?.id).not.toBe(once[0]?.id);
  });

  it('never moves an order back for a stale redelivery', () => {
    const done = eventsOf(translate(delivery(withStatus('completed', '2017-03-23T12:14:51'))));
    const stale = JSON.parse(withStatus('processing', '2017-03-22T19:28:08'));
    stale.billing.email = 'old@example.com';
    const late = eventsOf(translate(delivery(JSON.stringify(stale))));
    const at = new Date('2017-03-24T00:00:00Z');
    let state = emptyOrder('shop-1', '727');
    for (const e of [...done, ...late]) state = applyEvent(state, e, at);
    expect(statusOf(state)).toBe('completed');
    expect(state.data.customer?.email).toBe('john.doe@example.com');
  });

  it('reads the *_gmt dates as UTC and rejects one that is no date', () => {
    expect(paths(() => translate(delivery(withStatus('processing', 'yesterday'))))).toEqual([
      'date_modified_gmt',
    ]);
    const order = JSON.parse(processing);
    delete order.date_modified_gmt;
    expect(paths(() => translate(delivery(JSON.stringify(order))))).toEqual(['date_modified_gmt']);
  });

  it('requires the topic header on a signed delivery', () => {
    const req = delivery(processing);
    delete (req.headers as Record<string, string | undefined>)['x-wc-webhook-topic'];
    expect(paths(() => translate(req))).toEqual(['x-wc-webhook-topic']);
  });
});
