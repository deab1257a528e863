import type { z } from 'zod';
import { ValidationError } from '../../domain/errors.ts';
import {
  type CustomerData,
  customerSchema,
  money,
  type OrderData,
  type OrderEvent,
  type OrderEventType,
  type OrderItem,
  type ShipmentData,
  type ShippingAddress,
} from '../../domain/order/order-event.ts';
import { issuesOf } from '../../http/parse-body.ts';
import type { PrivacyRequest, Translation } from '../platform.ts';
import { timeZoneOfRegion } from '../region-time-zone.ts';
import {
  type ShopifyAddress,
  type ShopifyCheckout,
  type ShopifyCustomer,
  type ShopifyFulfillment,
  type ShopifyFulfillmentEvent,
  type ShopifyOrder,
  shopifyCheckoutSchema,
  shopifyCustomerRedactSchema,
  shopifyDataRequestSchema,
  shopifyFulfillmentEventSchema,
  shopifyFulfillmentSchema,
  shopifyOrderSchema,
  shopifyRefundSchema,
  shopifyShopRedactSchema,
} from './payloads.ts';

/** What the headers of one delivery tell besides the body. */
export interface ShopifyDelivery {
  topic: string;
  /** `X-Shopify-Event-Id`, else `X-Shopify-Webhook-Id`: the same on every redelivery. */
  identity: string;
  /** `X-Shopify-Triggered-At`: when Shopify raised it, for payloads that carry no time. */
  triggeredAt?: string;
}

/** The checkout's entity in our store: a checkout is chased like an order, under its own id. */
export const checkoutOrderId = (token: string): string => `checkout-${token}`;

/** Only these states mean paid; `pending` and `authorized` are unpaid (and `voided` never paid). */
const PAID = new Set(['paid', 'partially_paid', 'partially_refunded', 'refunded']);

type Present<T> = Exclude<T, null | undefined>;
const present = <T>(v: T): v is Present<T> => v !== null && v !== undefined && v !== '';

/** The value if the canonical schema takes it; a platform's odd value is left out, never fatal. */
const accepted = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> | undefined => {
  if (!present(value)) return undefined;
  const out = schema.safeParse(value);
  return out.success ? out.data : undefined;
};

const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** "+1 (502) 459-2181" → "+15024592181"; numbers without a country code are not guessed. */
export const toE164 = (raw: string | null | undefined): string | undefined => {
  if (!raw) return undefined;
  const compact = raw.replace(/[\s().-]/g, '').replace(/^00/, '+');
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined;
};

const nameOf = (first?: string | null, last?: string | null): string | undefined =>
  [first, last].filter(present).join(' ').trim() || undefined;

/** Marketing consent per channel: only `subscribed` is consent; a state we are not told stays unknown. */
const consentOf = (c: ShopifyCustomer | null | undefined) => {
  const email = c?.email_marketing_consent?.state;
  const sms = c?.sms_marketing_consent?.state;
  if (!present(email) && !present(sms)) return undefined;
  return defined({
    email: present(email) ? email === 'subscribed' : undefined,
    sms: present(sms) ? sms === 'subscribed' : undefined,
  });
};

const addressOf = (a: ShopifyAddress | null | undefined): ShippingAddress | undefined => {
  if (!a) return undefined;
  const clip = (v: string | null | undefined, max: number) =>
    present(v) ? v.trim().slice(0, max) || undefined : undefined;
  const out = defined({
    name: clip(a.name ?? nameOf(a.first_name, a.last_name), 200),
    phone: clip(a.phone, 32),
    country: clip(a.country_code ?? a.country, 64),
    region: clip(a.province, 100),
    city: clip(a.city, 100),
    line1: clip(a.address1, 300),
    line2: clip(a.address2, 300),
    postalCode: clip(a.zip, 32),
  });
  return Object.keys(out).length > 0 ? out : undefined;
};

interface Buyer {
  customer?: ShopifyCustomer | null;
  email?: string | null;
  contact_email?: string | null;
  phone?: string | null;
  sms_marketing_phone?: string | null;
  customer_locale?: string | null;
  shipping_address?: ShopifyAddress | null;
  billing_address?: ShopifyAddress | null;
}

/**
 * Who bought: the customer record first, then the order's own contact fields, then the address.
 * The time zone comes from the shipping address: Shopify tells none for a customer.
 */
export const customerOf = (o: Buyer): CustomerData | undefined => {
  const c = o.customer;
  const address = o.shipping_address ?? o.billing_address;
  const consent = consentOf(c);
  const s = customerSchema.shape;
  const out = defined({
    id: accepted(s.id, c?.id),
    name: accepted(
      s.name,
      nameOf(c?.first_name, c?.last_name) ?? address?.name ?? nameOf(address?.first_name),
    ),
    phone:
      toE164(c?.phone) ??
      toE164(o.phone) ??
      toE164(o.sms_marketing_phone) ??
      toE164(o.shipping_address?.phone),
    email: accepted(s.email, o.email || o.contact_email || c?.email),
    locale: accepted(s.locale, o.customer_locale),
    timeZone: accepted(
      s.timeZone,
      timeZoneOfRegion(address?.country_code ?? undefined, address?.province_code ?? undefined),
    ),
    ...(consent ? { marketingConsentByChannel: consent } : {}),
  });
  return Object.keys(out).length > 0 ? out : undefined;
};

type LineItems = ShopifyOrder['line_items'];

const itemsOf = (lines: LineItems): OrderItem[] | undefined => {
  const items = (lines ?? [])
    .filter((l) => (l.quantity ?? 0) > 0)
    .slice(0, 500)
    .map((l) => {
      const sku =
        (present(l.sku) && l.sku.trim()) ||
        (present(l.variant_id) ? `variant-${l.variant_id}` : `line-${l.id ?? 'unknown'}`);
      return defined({
        sku: sku.slice(0, 128),
        name: ((present(l.name) && l.name) || (present(l.title) && l.title) || sku).slice(0, 300),
        quantity: l.quantity as number,
        price: accepted(money, l.price),
      });
    });
  return items.length > 0 ? items : undefined;
};

/** Shopify's numeric id as a string; the GraphQL id carries the exact digits whatever the JSON did. */
const orderIdOf = (o: ShopifyOrder): string =>
  /^gid:\/\/shopify\/Order\/(\d+)$/.exec(o.admin_graphql_api_id ?? '')?.[1] ?? o.id;

const orderDataOf = (o: ShopifyOrder): OrderData =>
  defined({
    id: orderIdOf(o),
    number:
      (present(o.name) && o.name.trim().slice(0, 64)) ||
      (present(o.order_number) ? String(o.order_number).slice(0, 64) : undefined),
    createdAt: o.created_at ?? undefined,
    currency: currencyOf(o.currency),
    total: accepted(money, o.total_price),
    items: itemsOf(o.line_items),
    customer: customerOf(o),
    shippingAddress: addressOf(o.shipping_address),
  });

const currencyOf = (c: string | null | undefined): string | undefined =>
  present(c) && /^[A-Z]{3}$/.test(c) ? c : undefined;

const eventOf = (
  d: ShopifyDelivery,
  type: OrderEventType,
  occurredAt: string,
  order: OrderData,
  suffix: string = type,
): OrderEvent => ({ id: `shopify:${d.identity}:${suffix}`.slice(0, 128), type, occurredAt, order });

/** The time an event happened: the payload's own, else when Shopify raised the webhook. */
const whenOf = (d: ShopifyDelivery, ...candidates: (string | null | undefined)[]): string => {
  const at = candidates.find(present) ?? d.triggeredAt;
  if (!at) {
    throw new ValidationError('the delivery tells no time', [
      { path: 'updated_at', message: 'required when X-Shopify-Triggered-At is absent' },
    ]);
  }
  return at;
};

const parsed = <S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> => {
  const out = schema.safeParse(body);
  if (!out.success) {
    const details = issuesOf(out.error);
    throw new ValidationError(
      `not a Shopify ${what} payload: ${details.length} invalid field(s)`,
      details,
    );
  }
  return out.data;
};

const events = (list: OrderEvent[], ignored: { reason: string }[] = []): Translation =>
  list.length > 0 || ignored.length > 0
    ? { kind: 'events', events: list, ignored }
    : { kind: 'ignored', reason: 'nothing in this delivery that we follow' };

/** An order placed from a checkout ends that checkout's chasing. */
const closeCheckout = (d: ShopifyDelivery, o: ShopifyOrder, at: string): OrderEvent[] =>
  present(o.checkout_token)
    ? [
        eventOf(
          d,
          'order.closed',
          at,
          { id: checkoutOrderId(o.checkout_token), checkout: { token: o.checkout_token } },
          'checkout-closed',
        ),
      ]
    : [];

const orderTopic = (d: ShopifyDelivery, body: unknown): Translation => {
  const o = parsed(shopifyOrderSchema, body, 'order');
  const data = orderDataOf(o);
  const at = whenOf(d, o.updated_at, o.created_at);
  const paid = PAID.has(o.financial_status ?? '');
  switch (d.topic) {
    case 'orders/create':
      return events([
        eventOf(d, 'order.created', at, data),
        ...(paid ? [eventOf(d, 'order.paid', at, data)] : []),
        ...(o.cancelled_at ? [eventOf(d, 'order.cancelled', whenOf(d, o.cancelled_at), data)] : []),
        ...closeCheckout(d, o, at),
      ]);
    case 'orders/paid':
      return events([eventOf(d, 'order.paid', at, data), ...closeCheckout(d, o, at)]);
    case 'orders/cancelled':
      return events([eventOf(d, 'order.cancelled', whenOf(d, o.cancelled_at, o.updated_at), data)]);
    default: {
      // orders/updated: the changes a follow-up depends on, read from the order as it now is.
      const list = [
        ...(paid ? [eventOf(d, 'order.paid', at, data)] : []),
        ...(o.financial_status === 'refunded' ? [eventOf(d, 'order.refunded', at, data)] : []),
        ...(o.cancelled_at ? [eventOf(d, 'order.cancelled', whenOf(d, o.cancelled_at), data)] : []),
        ...(o.closed_at && !o.cancelled_at
          ? [eventOf(d, 'order.completed', whenOf(d, o.closed_at), data)]
          : []),
      ];
      return list.length > 0
        ? events(list)
        : {
            kind: 'ignored',
            reason: `orders/updated with financial_status '${o.financial_status ?? 'none'}' and neither closed_at nor cancelled_at: nothing a follow-up depends on changed`,
          };
    }
  }
};

/** Delivery progress as Shopify names it, and what it means to us. */
const SHIPMENT_STATUS: Readonly<
  Record<string, { type: OrderEventType } | { tracking: true } | { ignore: string }>
> = {
  out_for_delivery: { type: 'order.out_for_delivery' },
  delivered: { type: 'order.delivered' },
  picked_up: { type: 'order.delivered' },
  failure: { type: 'order.delivery_exception' },
  attempted_delivery: { type: 'order.delivery_exception' },
  delayed: { type: 'order.delivery_exception' },
  in_transit: { tracking: true },
  carrier_picked_up: { tracking: true },
  label_printed: { ignore: 'a label was printed: the parcel has not moved yet' },
  label_purchased: { ignore: 'a label was bought: the parcel has not moved yet' },
  confirmed: { ignore: 'the carrier confirmed the shipment: nothing for the customer yet' },
  ready_for_pickup: { ignore: 'ready for pickup: no follow-up of ours says so' },
};

/** One tracking status of one parcel as canonical events (a tracking update is `order.shipped` news). */
const shipmentProgress = (
  d: ShopifyDelivery,
  orderId: string,
  fulfillmentId: string,
  status: string,
  at: string,
  message: string | null | undefined,
): Translation => {
  const meaning = SHIPMENT_STATUS[status];
  if (!meaning) return { kind: 'ignored', reason: `shipment status '${status}' is not one we use` };
  if ('ignore' in meaning) return { kind: 'ignored', reason: meaning.ignore };
  const shipment: ShipmentData =
    'tracking' in meaning
      ? { id: fulfillmentId, lastUpdateAt: at }
      : meaning.type === 'order.delivery_exception'
        ? defined({
            id: fulfillmentId,
            lastUpdateAt: at,
            exceptionCode: status,
            exceptionMessage: present(message) ? message.slice(0, 500) : undefined,
          })
        : { id: fulfillmentId, lastUpdateAt: at };
  const type = 'tracking' in meaning ? 'order.shipped' : meaning.type;
  return events([eventOf(d, type, at, { id: orderId, shipment }, `${type}:${status}`)]);
};

const fulfillmentTopic = (d: ShopifyDelivery, body: unknown): Translation => {
  const f = parsed(shopifyFulfillmentSchema, body, 'fulfillment');
  if (d.topic === 'fulfillments/update') {
    if (!present(f.shipment_status)) {
      return { kind: 'ignored', reason: 'fulfillments/update without a shipment_status' };
    }
    return shipmentProgress(
      d,
      f.order_id,
      f.id,
      f.shipment_status,
      whenOf(d, f.updated_at, f.created_at),
      undefined,
    );
  }
  if (f.status === 'cancelled' || f.status === 'failure' || f.status === 'error') {
    return { kind: 'ignored', reason: `fulfillment status '${f.status}': nothing was shipped` };
  }
  const shipment = shipmentOfFulfillment(f);
  return events([
    eventOf(d, 'order.shipped', whenOf(d, f.created_at, f.updated_at), {
      id: f.order_id,
      shipment,
    }),
  ]);
};

const shipmentOfFulfillment = (f: ShopifyFulfillment): ShipmentData => {
  const url = f.tracking_url;
  const trackingUrl =
    present(url) && /^https?:\/\/\S+$/.test(url) && url.length <= 2048 ? url : undefined;
  return defined({
    id: f.id,
    carrier: present(f.tracking_company) ? f.tracking_company.slice(0, 200) : undefined,
    trackingNumber: present(f.tracking_number) ? f.tracking_number : undefined,
    trackingUrl,
    skus: itemsOf(f.line_items)?.map((i) => i.sku),
  });
};

const fulfillmentEventTopic = (d: ShopifyDelivery, body: unknown): Translation => {
  const e: ShopifyFulfillmentEvent = parsed(
    shopifyFulfillmentEventSchema,
    body,
    'fulfillment event',
  );
  return shipmentProgress(
    d,
    e.order_id,
    e.fulfillment_id,
    e.status,
    whenOf(d, e.happened_at, e.created_at),
    e.message,
  );
};

const refundTopic = (d: ShopifyDelivery, body: unknown): Translation => {
  const r = parsed(shopifyRefundSchema, body, 'refund');
  return events([
    eventOf(d, 'order.refunded', whenOf(d, r.processed_at, r.created_at), { id: r.order_id }),
  ]);
};

const checkoutTopic = (d: ShopifyDelivery, body: unknown): Translation => {
  const c: ShopifyCheckout = parsed(shopifyCheckoutSchema, body, 'checkout');
  const id = checkoutOrderId(c.token);
  const at = whenOf(d, c.updated_at, c.created_at);
  const checkout = { token: c.token };
  if (c.completed_at) {
    return events([eventOf(d, 'order.closed', whenOf(d, c.completed_at), { id, checkout })]);
  }
  const data: OrderData = defined({
    id,
    checkout,
    createdAt: c.created_at ?? at,
    currency: currencyOf(c.currency),
    total: accepted(money, c.total_price),
    items: itemsOf(c.line_items),
    customer: customerOf(c),
    shippingAddress: addressOf(c.shipping_address),
    paymentUrl: c.abandoned_checkout_url ?? undefined,
  });
  return events([eventOf(d, 'order.created', at, data)]);
};

const privacyOf = (
  kind: 'customer-data-request' | 'customer-redact',
  customer: { id?: string | null; email?: string | null; phone?: string | null } | null | undefined,
  orderIds: string[] | null | undefined,
): Translation => {
  const request: PrivacyRequest = {
    kind,
    ...defined({
      customerId: customer?.id ?? undefined,
      email: present(customer?.email) ? customer.email : undefined,
      phone: toE164(customer?.phone) ?? (present(customer?.phone) ? customer.phone : undefined),
    }),
    orderIds: orderIds ?? [],
  };
  return { kind: 'privacy', request };
};

const TOPICS: Readonly<Record<string, (d: ShopifyDelivery, body: unknown) => Translation>> = {
  'orders/create': orderTopic,
  'orders/paid': orderTopic,
  'orders/updated': orderTopic,
  'orders/cancelled': orderTopic,
  'fulfillments/create': fulfillmentTopic,
  'fulfillments/update': fulfillmentTopic,
  'fulfillment_events/create': fulfillmentEventTopic,
  'refunds/create': refundTopic,
  'checkouts/create': checkoutTopic,
  'checkouts/update': checkoutTopic,
  'customers/data_request': (_d, body) => {
    const r = parsed(shopifyDataRequestSchema, body, 'customers/data_request');
    return privacyOf('customer-data-request', r.customer, r.orders_requested);
  },
  'customers/redact': (_d, body) => {
    const r = parsed(shopifyCustomerRedactSchema, body, 'customers/redact');
    return privacyOf('customer-redact', r.customer, r.orders_to_redact);
  },
  'shop/redact': (_d, body) => {
    parsed(shopifyShopRedactSchema, body, 'shop/redact');
    return { kind: 'privacy', request: { kind: 'shop-redact' } };
  },
};

/** Topics we read; any other topic is answered 200 as ignored, so Shopify keeps the hook. */
export const SHOPIFY_TOPICS = Object.keys(TOPICS);

/** Pure: one delivery's body (already parsed) as what it means to us. */
export const mapShopifyDelivery = (d: ShopifyDelivery, body: unknown): Translation => {
  const topic = TOPICS[d.topic];
  if (!topic) return { kind: 'ignored', reason: `topic '${d.topic}' is not one we use` };
  return topic(d, body);
};
