import * as z from 'zod';
import { type ContactChannel, normalizeAddress } from '../domain/consent/contact-preference.ts';
import type { Category, Channel, FollowUpStatus } from '../domain/follow-ups/follow-up.ts';
import { maskedContact } from '../domain/operations/masked-contact.ts';
import { type OrderState, placedAt, statusOf } from '../domain/order/order-state.ts';
import { contactSubjectOf } from '../domain/policy/contact-log.ts';
import { readContactLog } from '../store/contact-log-store.ts';
import { getCustomerHistory } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { findOrderIdsByNumber, listAddressOrders } from '../store/order-lookup-store.ts';
import { type OrderPartition, readOrderPartition } from '../store/order-store.ts';

/** What staff type to find an order: its id or its number as the customer sees it. */
export const orderQuerySchema = z
  .string()
  .trim()
  .min(1, 'must be an order id or number')
  .max(128, 'must be at most 128 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

/** One order as a lookup lists it: enough to pick it and open its timeline. */
export interface OrderSummary {
  id: string;
  number?: string;
  status: ReturnType<typeof statusOf>;
  placedAt?: string;
  total?: string;
  currency?: string;
  customerId?: string;
}

const summaryOf = (order: OrderState): OrderSummary => {
  const placed = placedAt(order);
  return {
    id: order.orderId,
    ...(order.data.number ? { number: order.data.number } : {}),
    status: statusOf(order),
    ...(placed ? { placedAt: placed } : {}),
    ...(order.data.total ? { total: order.data.total } : {}),
    ...(order.data.currency ? { currency: order.data.currency } : {}),
    ...(order.data.customer?.id ? { customerId: order.data.customer.id } : {}),
  };
};

const newestFirst = (a: OrderSummary, b: OrderSummary) =>
  (b.placedAt ?? '').localeCompare(a.placedAt ?? '') || a.id.localeCompare(b.id);

/** A lookup reads at half cost: staff see the order again on its timeline, strongly consistent. */
const readOrders = async (t: TableRef, shopId: string, ids: string[]) =>
  (
    await Promise.all(ids.map((id) => readOrderPartition(t, shopId, id, { consistent: false })))
  ).filter((p): p is OrderPartition & { order: OrderState } => p.order !== undefined);

/** Shopify shows `#1001` where staff may type `1001`, and the other way round. */
const numberCandidates = (q: string): string[] =>
  q.startsWith('#') ? [q, q.slice(1)].filter(Boolean) : [q, `#${q}`];

/** The orders whose id or number is what staff typed (`q` already checked by orderQuerySchema). */
export const findOrders = async (t: TableRef, shopId: string, q: string) => {
  const ids = new Set<string>([q]);
  for (const n of numberCandidates(q)) {
    for (const id of await findOrderIdsByNumber(t, shopId, n)) ids.add(id);
  }
  const found = await readOrders(t, shopId, [...ids]);
  return { query: q, orders: found.map((p) => summaryOf(p.order)).sort(newestFirst) };
};

/** Customers found for an address, and orders listed per customer: a screenful, not an export. */
const MAX_CUSTOMERS = 10;
const ORDERS_PER_CUSTOMER = 10;
const MAX_ADDRESS_ORDERS = 500;

const stampParts = (stamp: string) => {
  const cut = stamp.lastIndexOf('|');
  return { orderId: stamp.slice(0, cut), at: stamp.slice(cut + 1) };
};

/**
 * The customers who placed orders with a phone or email, each with their newest orders (by any
 * address: a customer's history lists them all), and guests' orders by that address apart.
 * The answer names the address masked only.
 */
export const findCustomersByContact = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
) => {
  const entries = await listAddressOrders(t, shopId, channel, address, MAX_ADDRESS_ORDERS);
  const groups = new Map<string, { at: string; orderIds: Map<string, string> }>();
  for (const e of entries) {
    const key = e.customerId ?? '';
    const group = groups.get(key) ?? { at: e.at, orderIds: new Map() };
    group.orderIds.set(e.orderId, e.at);
    groups.set(key, group);
  }
  const chosen = [...groups.entries()]
    .sort(([, a], [, b]) => b.at.localeCompare(a.at))
    .slice(0, MAX_CUSTOMERS);
  const customers = await Promise.all(
    chosen.map(async ([customerId, group]) => {
      if (customerId) {
        const history = await getCustomerHistory(t, shopId, customerId);
        for (const stamp of history.orders) {
          const { orderId, at } = stampParts(stamp);
          if (!group.orderIds.has(orderId)) group.orderIds.set(orderId, at);
        }
      }
      const newest = [...group.orderIds.entries()]
        .sort(([, a], [, b]) => b.localeCompare(a))
        .slice(0, ORDERS_PER_CUSTOMER)
        .map(([id]) => id);
      const orders = (await readOrders(t, shopId, newest)).map((p) => summaryOf(p.order));
      return {
        ...(customerId ? { customerId } : {}),
        guest: !customerId,
        orderCount: group.orderIds.size,
        orders: orders.sort(newestFirst),
      };
    }),
  );
  return {
    channel,
    address: maskedContact(channel, normalizeAddress(channel, address)),
    customers,
  };
};

/** One message sent to the address, as the Contacts page lists it. */
export interface ContactHistoryEntry {
  at: string;
  channel: Channel;
  category: Category;
  flow: string;
  step: string;
  orderId: string;
  orderNumber?: string;
  /** The follow-up's status now (sent, delivered, failed…), read from its order. */
  status?: FollowUpStatus;
  sentAt?: string;
}

const MAX_HISTORY = 100;

/**
 * What was sent to one address: the contact logs of the guest address and of every customer who
 * ordered with it (a log is kept per customer, its entries name the address), as far back as the
 * logs keep (the longest window a contact rule looks at, at least 7 days).
 */
export const contactHistory = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
) => {
  const normal = normalizeAddress(channel, address);
  const guest = contactSubjectOf(channel === 'sms' ? { phone: normal } : { email: normal });
  const customerIds = new Set(
    (await listAddressOrders(t, shopId, channel, normal, MAX_ADDRESS_ORDERS))
      .map((e) => e.customerId)
      .filter((id): id is string => id !== undefined),
  );
  const subjects = [...(guest ? [guest] : []), ...customerIds];
  const logs = await Promise.all(
    subjects.map((s) => readContactLog(t, shopId, s, { consistent: false })),
  );
  const seen = new Set<string>();
  const sent = logs
    .flatMap((l) => l.entries)
    .filter((e) => e.channel === channel && e.address === normal)
    .filter((e) => !seen.has(e.messageId) && seen.add(e.messageId) !== undefined)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, MAX_HISTORY);
  const orders = new Map(
    (await readOrders(t, shopId, [...new Set(sent.map((e) => e.orderId))])).map((p) => [
      p.order.orderId,
      p,
    ]),
  );
  const entries: ContactHistoryEntry[] = sent.map((e) => {
    const p = orders.get(e.orderId);
    const f = p?.followUps.find((x) => x.flow === e.flow && x.step === e.step);
    return {
      at: e.at,
      channel: e.channel,
      category: e.category,
      flow: e.flow,
      step: e.step,
      orderId: e.orderId,
      ...(p?.order.data.number ? { orderNumber: p.order.data.number } : {}),
      ...(f ? { status: f.status } : {}),
      ...(f?.sentAt ? { sentAt: f.sentAt } : {}),
    };
  });
  return { channel, address: maskedContact(channel, normal), entries };
};
