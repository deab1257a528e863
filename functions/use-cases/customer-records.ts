import type { CustomerHistory } from '../domain/order/customer-history.ts';
import type { ContactLogEntry } from '../domain/policy/contact-log.ts';
import {
  belongsTo,
  type ErasureRequest,
  type ErasureSubject,
  guestSubjectsOf,
  subjectOf,
  widenSubject,
} from '../domain/privacy/customer-erasure.ts';
import { readContactLog } from '../store/contact-log-store.ts';
import { getCustomerHistory } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { type OrderPartition, readOrderPartition } from '../store/order-store.ts';

/** Guest orders can name a further address, whose log names further orders; a few rounds suffice. */
const MAX_ROUNDS = 4;

export interface CustomerRecords {
  subject: ErasureSubject;
  /**
   * The customer ids whose data this is: the one named, and those of orders that carry the
   * addresses named (a request by email or phone alone).
   */
  customerIds: string[];
  /** The stored histories of those customer ids. */
  histories: CustomerHistory[];
  /** Every contact log found: each customer id's and each guest address's. */
  logs: { subject: string; entries: ContactLogEntry[] }[];
  /** The orders that are theirs, as read. */
  orders: (OrderPartition & { order: NonNullable<OrderPartition['order']> })[];
}

const stampOrderId = (stamp: string): string => stamp.slice(0, stamp.lastIndexOf('|'));

/**
 * Whether an order is the subject's: its customer matches, or the caller named the order and it
 * carries no customer at all (a platform's list of the customer's orders, e.g. Shopify's
 * `orders_to_redact`).
 */
export const isTheirs = (
  partition: OrderPartition,
  subject: ErasureSubject,
  named: Set<string>,
): boolean => {
  const c = partition.order?.data.customer;
  if (belongsTo(c, subject)) return true;
  const anonymous = !c?.id && !c?.email && !c?.phone;
  return partition.order !== undefined && named.has(partition.order.orderId) && anonymous;
};

/**
 * Finds what the table holds about a customer without scanning it: the history's order stamps,
 * the orders named, the contact logs of the customer id and of every address their orders carry
 * (guests are logged by address), and the orders those logs name.
 */
export const findCustomerRecords = async (
  t: TableRef,
  shopId: string,
  who: ErasureRequest,
): Promise<CustomerRecords> => {
  const subject = subjectOf(who);
  const named = new Set(who.orderIds ?? []);
  const customerIds = new Set<string>();
  const histories: CustomerHistory[] = [];
  const logs: CustomerRecords['logs'] = [];
  const orders: CustomerRecords['orders'] = [];
  const readLogs = new Set<string>();
  const readOrders = new Set<string>();
  const pendingOrders = new Set<string>(named);
  const readLog = async (logSubject: string) => {
    readLogs.add(logSubject);
    const log = await readContactLog(t, shopId, logSubject);
    if (log.version === 0 && log.entries.length === 0) return;
    logs.push({ subject: logSubject, entries: log.entries });
    for (const e of log.entries) {
      pendingOrders.add(e.orderId);
      // Addresses the customer's own log names are theirs; a guest log's are the address itself.
      if (e.channel === 'email') subject.emails.add(e.address);
      if (e.channel === 'sms') subject.phones.add(e.address);
    }
  };
  const addCustomer = async (id: string) => {
    if (customerIds.has(id)) return;
    customerIds.add(id);
    const h = await getCustomerHistory(t, shopId, id);
    if (h.orders.length || h.paidOrders.length || h.purchases?.length) {
      histories.push(h);
      for (const stamp of h.orders) pendingOrders.add(stampOrderId(stamp));
      for (const orderId of h.paidOrders) pendingOrders.add(orderId);
    }
    await readLog(id);
  };
  if (subject.customerId) await addCustomer(subject.customerId);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const ids = [...pendingOrders].filter((id) => !readOrders.has(id));
    for (const id of ids) readOrders.add(id);
    const partitions = await Promise.all(ids.map((id) => readOrderPartition(t, shopId, id)));
    for (const p of partitions) {
      if (!p.order || !isTheirs(p, subject, named)) continue;
      orders.push(p as CustomerRecords['orders'][number]);
      widenSubject(subject, p.order.data.customer);
      const id = p.order.data.customer?.id;
      if (id) await addCustomer(id);
    }
    const guests = guestSubjectsOf(subject).filter((s) => !readLogs.has(s));
    for (const g of guests) await readLog(g);
    if (guests.length === 0 && [...pendingOrders].every((id) => readOrders.has(id))) break;
  }
  return { subject, customerIds: [...customerIds], histories, logs, orders };
};
