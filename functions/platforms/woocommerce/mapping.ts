import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import * as z from 'zod';
import { ValidationError } from '../../domain/errors.ts';
import {
  type CustomerData,
  money,
  type OrderData,
  type OrderEvent,
  type OrderEventType,
  type OrderItem,
  type ShipmentData,
  type ShippingAddress,
} from '../../domain/order/order-event.ts';
import type { Translation } from '../platform.ts';
import {
  type WooAddress,
  type WooOrder,
  type WooTrackingItem,
  wooTrackingItemsSchema,
} from './payload.ts';

/** Topics whose payload is the whole order resource. */
export const ORDER_TOPICS = ['order.created', 'order.updated', 'order.restored'] as const;

/**
 * What each order status means to us. `pending` and `on-hold` wait for payment (on-hold: a bank
 * transfer or cheque not yet received); `processing` is paid; `completed` is paid and fulfilled.
 */
export const STATUS_EVENTS: Readonly<Record<string, readonly OrderEventType[]>> = {
  pending: ['order.created'],
  'on-hold': ['order.created'],
  processing: ['order.paid'],
  completed: ['order.paid', 'order.completed'],
  refunded: ['order.refunded'],
  cancelled: ['order.cancelled'],
  failed: ['order.cancelled'],
};

export const TRACKING_META_KEY = '_wc_shipment_tracking_items';

const isMoney = (v: string): boolean => money.safeParse(v).success;
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const emailSchema = z.email().max(254);
const present = (v: string | null | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

/** WooCommerce's `*_gmt` dates carry no offset (`2017-03-22T19:28:08`): they are UTC. */
export const gmtInstant = (value: string, path: string): string => {
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)
    ? `${value}Z`
    : value;
  const ms = Date.parse(withZone);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    throw new ValidationError('1 invalid field(s)', [
      { path, message: 'must be a date-time such as "2017-03-22T19:28:08"' },
    ]);
  }
  return new Date(ms).toISOString();
};

/** E.164 only for a number that is valid where the address is; anything else is left out. */
export const e164 = (
  raw: string | null | undefined,
  country?: string | null,
): string | undefined => {
  const text = present(raw);
  if (!text) return undefined;
  const region = country && /^[A-Z]{2}$/.test(country) ? (country as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isValid() ? parsed.number : undefined;
};

const personName = (a: WooAddress | null | undefined): string | undefined =>
  present([a?.first_name, a?.last_name].filter(Boolean).join(' '))?.slice(0, 200);

const customerOf = (order: WooOrder): CustomerData | undefined => {
  const billing = order.billing;
  const email = present(billing?.email);
  const customer: CustomerData = {
    ...(order.customer_id ? { id: String(order.customer_id) } : {}),
    ...(personName(billing) ? { name: personName(billing) } : {}),
    ...(email && emailSchema.safeParse(email).success ? { email } : {}),
  };
  const phone =
    e164(billing?.phone, billing?.country) ?? e164(order.shipping?.phone, order.shipping?.country);
  if (phone) customer.phone = phone;
  return Object.keys(customer).length > 0 ? customer : undefined;
};

const addressOf = (a: WooAddress | null | undefined): ShippingAddress | undefined => {
  if (!a) return undefined;
  const fields: ShippingAddress = {
    name: personName(a),
    phone: present(a.phone)?.slice(0, 32),
    country: present(a.country),
    region: present(a.state),
    city: present(a.city),
    line1: present(a.address_1),
    line2: present(a.address_2),
    postalCode: present(a.postcode),
  };
  const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 0 ? (kept as ShippingAddress) : undefined;
};

/** The unit price: a JSON number in the REST API, kept only when it reads as an exact decimal. */
const unitPrice = (price: number | string | null | undefined): string | undefined => {
  if (price === null || price === undefined) return undefined;
  const text = typeof price === 'number' ? String(price) : price.trim();
  if (!isMoney(text)) return undefined;
  return text.includes('.') ? text : `${text}.00`;
};

const itemsOf = (order: WooOrder): OrderItem[] | undefined => {
  const items = (order.line_items ?? [])
    .filter((line) => line.quantity > 0 && present(line.name))
    .map((line): OrderItem => {
      const sku =
        present(line.sku) ??
        (line.variation_id ? `variation-${line.variation_id}` : undefined) ??
        (line.product_id ? `product-${line.product_id}` : `line-${line.id ?? 0}`);
      const price = unitPrice(line.price);
      return {
        sku: sku.slice(0, 128),
        name: (present(line.name) ?? sku).slice(0, 300),
        quantity: line.quantity,
        ...(price ? { price } : {}),
      };
    });
  return items.length > 0 ? items : undefined;
};

export const orderDataOf = (order: WooOrder): OrderData => {
  const currency = present(order.currency)?.toUpperCase();
  const total = present(order.total);
  const createdAt = present(order.date_created_gmt);
  const data: OrderData = {
    id: String(order.id),
    number: String(order.number ?? order.id).slice(0, 64) || String(order.id),
    ...(createdAt ? { createdAt: gmtInstant(createdAt, 'date_created_gmt') } : {}),
    ...(currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
    ...(total && isMoney(total) ? { total } : {}),
  };
  const items = itemsOf(order);
  if (items) data.items = items;
  const customer = customerOf(order);
  if (customer) data.customer = customer;
  const shippingAddress = addressOf(order.shipping);
  if (shippingAddress) data.shippingAddress = shippingAddress;
  return data;
};

const shipmentOf = (item: WooTrackingItem): ShipmentData | undefined => {
  const trackingNumber = present(item.tracking_number);
  if (!trackingNumber) return undefined;
  const carrier =
    present(item.custom_tracking_provider) ??
    present(item.formatted_tracking_provider) ??
    present(item.tracking_provider);
  const link = present(item.custom_tracking_link) ?? present(item.formatted_tracking_link);
  return {
    id: (present(item.tracking_id) ?? trackingNumber).slice(0, 64),
    trackingNumber,
    ...(carrier ? { carrier: carrier.slice(0, 200) } : {}),
    ...(link && httpUrl.safeParse(link).success ? { trackingUrl: link } : {}),
  };
};

/**
 * The parcels the Shipment Tracking extension recorded. A plugin's meta we cannot read is set
 * aside with a reason rather than failing the delivery: WooCommerce disables a failing hook.
 */
export const shipmentsOf = (order: WooOrder): { shipments: ShipmentData[]; problem?: string } => {
  const meta = (order.meta_data ?? []).find((m) => m.key === TRACKING_META_KEY);
  if (!meta || meta.value === null || meta.value === '' || meta.value === undefined) {
    return { shipments: [] };
  }
  const parsed = wooTrackingItemsSchema.safeParse(meta.value);
  if (!parsed.success) {
    return { shipments: [], problem: `${TRACKING_META_KEY} is not a list of tracking items` };
  }
  const shipments = parsed.data.map(shipmentOf).filter((s): s is ShipmentData => !!s);
  return { shipments };
};

/**
 * Maps one order delivery. WooCommerce sends a new X-WC-Webhook-Delivery-ID on every delivery,
 * so identity comes from the order itself: a status event is (order, status, date_modified_gmt),
 * a shipment is (order, tracking id): a redelivered snapshot maps to the same ids.
 */
export const mapWooCommerceOrder = (order: WooOrder): Translation => {
  const modified = present(order.date_modified_gmt);
  if (!modified) {
    throw new ValidationError('1 invalid field(s)', [
      { path: 'date_modified_gmt', message: 'is required: it orders and identifies deliveries' },
    ]);
  }
  const occurredAt = gmtInstant(modified, 'date_modified_gmt');
  const data = orderDataOf(order);
  const stamp = `${order.id}:${order.status}@${occurredAt}`;
  // Own keys only: a status named "constructor" must not find Object.prototype's.
  const types = Object.hasOwn(STATUS_EVENTS, order.status)
    ? STATUS_EVENTS[order.status]
    : undefined;
  const events: OrderEvent[] = (types ?? []).map((type) => ({
    id: `woocommerce:${stamp}:${type.slice('order.'.length)}`,
    type,
    occurredAt,
    order: data,
  }));
  const ignored: { reason: string }[] = [];
  if (!types) {
    ignored.push({ reason: `WooCommerce status '${order.status}' is not one we follow` });
  }
  const { shipments, problem } = shipmentsOf(order);
  if (problem) ignored.push({ reason: problem });
  for (const shipment of shipments) {
    events.push({
      id: `woocommerce:${order.id}:shipped:${shipment.id}`,
      type: 'order.shipped',
      occurredAt,
      order: { ...data, shipment },
    });
  }
  if (events.length === 0) {
    return { kind: 'ignored', reason: ignored.map((i) => i.reason).join('; ') };
  }
  return { kind: 'events', events, ignored };
};
