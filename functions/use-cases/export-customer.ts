import type { Clock } from '../domain/clock.ts';
import type { ContactPreference } from '../domain/consent/contact-preference.ts';
import type { CustomerHistory } from '../domain/order/customer-history.ts';
import type { OrderData } from '../domain/order/order-event.ts';
import { type OrderStatus, placedAt, statusOf } from '../domain/order/order-state.ts';
import type { ContactLogEntry } from '../domain/policy/contact-log.ts';
import type { ErasureRequest } from '../domain/privacy/customer-erasure.ts';
import { getContactPreference } from '../store/contact-preference-store.ts';
import { type Buyer, buyerMonthOf, getBuyer } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { findCustomerRecords } from './customer-records.ts';
import { eventsSeen, inDueOrder } from './get-order-timeline.ts';

export interface ExportDeps {
  table: TableRef;
  clock: Clock;
}

export interface ExportedOrder {
  orderId: string;
  status: OrderStatus;
  placedAt?: string;
  milestones: Record<string, string>;
  /** The order's merged data as received: customer, address, items, money, links, parcel. */
  data: OrderData;
  events: { id: string; type: string; occurredAt: string; receivedAt: string }[];
  followUps: {
    flow: string;
    step: string;
    channel: string;
    category: string;
    status: string;
    dueAt: string;
    sentAt?: string;
    reason?: string;
    about?: unknown;
  }[];
}

/** Everything the table holds about one customer (GDPR Art. 15 and 20, Shopify's `customers/data_request`). */
export interface CustomerExport {
  shopId: string;
  customerId?: string;
  exportedAt: string;
  /** The addresses found for them: given, on their orders, or in their contact log. */
  addresses: { emails: string[]; phones: string[] };
  orders: ExportedOrder[];
  /** Every message of the last 180 days: when, which channel and flow, to which address. */
  contactLog: { subject: string; entries: ContactLogEntry[] }[];
  contactPreferences: ContactPreference[];
  /** The order history kept per customer id (usually one). */
  histories: CustomerHistory[];
  /** The months in which they were noted as a buyer (for greetings). */
  buyerMonths: (Buyer & { month: string })[];
}

/** Reads, never writes; finds their records as erasure does, without a scan. */
export const exportCustomer = async (
  deps: ExportDeps,
  shopId: string,
  who: ErasureRequest,
): Promise<CustomerExport> => {
  const found = await findCustomerRecords(deps.table, shopId, who);
  const { subject } = found;
  const preferences = await Promise.all([
    ...[...subject.emails].map((e) => getContactPreference(deps.table, shopId, 'email', e)),
    ...[...subject.phones].map((p) => getContactPreference(deps.table, shopId, 'sms', p)),
  ]);
  const months = new Set<string>();
  for (const p of found.orders) {
    const placed = placedAt(p.order);
    if (placed) months.add(buyerMonthOf(placed));
  }
  for (const h of found.histories) {
    for (const stamp of h.paidStamps ?? [])
      months.add(buyerMonthOf(stamp.slice(stamp.lastIndexOf('|') + 1)));
  }
  const buyers = (
    await Promise.all(
      found.customerIds.flatMap((id) =>
        [...months].sort().map(async (month) => {
          const b = await getBuyer(deps.table, shopId, month, id);
          return b ? { month, ...b } : undefined;
        }),
      ),
    )
  ).filter((b): b is Buyer & { month: string } => b !== undefined);
  const customerId = subject.customerId;
  return {
    shopId,
    ...(customerId ? { customerId } : {}),
    exportedAt: deps.clock.now().toISOString(),
    addresses: { emails: [...subject.emails].sort(), phones: [...subject.phones].sort() },
    orders: found.orders.map(({ order, followUps }) => {
      const placed = placedAt(order);
      return {
        orderId: order.orderId,
        status: statusOf(order),
        ...(placed ? { placedAt: placed } : {}),
        milestones: order.milestones as Record<string, string>,
        data: order.data,
        events: eventsSeen(order),
        followUps: inDueOrder(followUps).map((f) => ({
          flow: f.flow,
          step: f.step,
          channel: f.channel,
          category: f.category,
          status: f.status,
          dueAt: f.dueAt,
          ...(f.sentAt ? { sentAt: f.sentAt } : {}),
          ...(f.reason ? { reason: f.reason } : {}),
          ...(f.about ? { about: f.about } : {}),
        })),
      };
    }),
    contactLog: found.logs,
    contactPreferences: preferences.filter((p): p is ContactPreference => p !== undefined),
    histories: found.histories,
    buyerMonths: buyers,
  };
};
