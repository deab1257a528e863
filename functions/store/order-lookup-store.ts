import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type ContactChannel, normalizeAddress } from '../domain/consent/contact-preference.ts';
import { type OrderState, placedAt } from '../domain/order/order-state.ts';
import { queryItems, type TableRef } from './dynamo.ts';
import {
  addressOrderKey,
  addressOrdersPk,
  ORDER_NUMBER_SK_PREFIX,
  orderNumberKey,
  orderNumberPk,
} from './table.ts';

/** One order placed with an address: enough to list the newest first and group by customer. */
export interface AddressOrder {
  orderId: string;
  customerId?: string;
  /** When the order was placed (or its first event happened), UTC ISO. */
  at: string;
}

interface LookupWrite {
  key: { pk: string; sk: string };
  item: Record<string, unknown>;
}

const addressesOf = (order: OrderState): { channel: ContactChannel; address: string }[] => {
  const c = order.data.customer;
  return [
    ...(c?.phone ? [{ channel: 'sms' as const, address: normalizeAddress('sms', c.phone) }] : []),
    ...(c?.email
      ? [{ channel: 'email' as const, address: normalizeAddress('email', c.email) }]
      : []),
  ];
};

/**
 * What `after` needs written that `before` did not have: its number (unless it is the order id,
 * which is found as such) and each address its customer carries. An event that changes none of
 * them writes nothing, so a typical order pays these once, at its first event.
 */
export const lookupWritesOf = (before: OrderState, after: OrderState): LookupWrite[] => {
  if (after.erasedAt) return [];
  const shopId = after.shopId;
  const orderId = after.orderId;
  const writes: LookupWrite[] = [];
  const number = after.data.number;
  if (number && number !== orderId && number !== before.data.number) {
    writes.push({
      key: orderNumberKey(shopId, number, orderId),
      item: { type: 'order-number', orderId },
    });
  }
  const had = new Set(addressesOf(before).map((a) => `${a.channel}:${a.address}`));
  const customerId = after.data.customer?.id;
  const sameCustomer = customerId === before.data.customer?.id;
  const at = placedAt(after) ?? after.events[0]?.occurredAt;
  for (const { channel, address } of addressesOf(after)) {
    if (sameCustomer && had.has(`${channel}:${address}`)) continue;
    writes.push({
      key: addressOrderKey(shopId, channel, address, orderId),
      item: {
        type: 'address-order',
        channel,
        orderId,
        ...(customerId ? { customerId } : {}),
        ...(at ? { at } : {}),
      },
    });
  }
  return writes;
};

/**
 * Written before the order is saved, unconditionally: a put of the same item again is harmless,
 * and should the order's save fail, the event's redelivery writes them again.
 */
export const recordOrderLookups = async (
  t: TableRef,
  before: OrderState,
  after: OrderState,
): Promise<void> => {
  await Promise.all(
    lookupWritesOf(before, after).map(({ key, item }) =>
      t.doc.send(new PutCommand({ TableName: t.tableName, Item: { ...key, ...item } })),
    ),
  );
};

/** A number is shared by a handful of orders at most (two platforms of one shop); 20 bounds the read. */
const MAX_NUMBER_MATCHES = 20;

export const findOrderIdsByNumber = async (
  t: TableRef,
  shopId: string,
  number: string,
): Promise<string[]> => {
  const out = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :order)',
      ExpressionAttributeValues: {
        ':pk': orderNumberPk(shopId, number),
        ':order': ORDER_NUMBER_SK_PREFIX,
      },
      Limit: MAX_NUMBER_MATCHES,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.orderId));
};

const toAddressOrder = (i: Record<string, unknown>): AddressOrder => ({
  orderId: String(i.orderId),
  ...(typeof i.customerId === 'string' ? { customerId: i.customerId } : {}),
  at: typeof i.at === 'string' ? i.at : '',
});

/**
 * The orders placed with an address, newest first. At most `cap` entries are read (small items:
 * 500 are about 50 KB, a few read units), enough for any real buyer's orders with one address.
 */
export const listAddressOrders = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
  cap: number,
): Promise<AddressOrder[]> => {
  const found: AddressOrder[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: {
      ':pk': addressOrdersPk(shopId, channel, normalizeAddress(channel, address)),
    },
  })) {
    found.push(toAddressOrder(item));
    if (found.length >= cap) break;
  }
  return found.sort((a, b) => b.at.localeCompare(a.at));
};

/**
 * Erasure: removes the address's entries of the orders given (or of the customer ids given), so
 * no lookup leads to an erased customer; another customer's orders with that address stay.
 */
export const deleteAddressOrders = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
  whose: { orderIds: Set<string>; customerIds: Set<string> },
): Promise<number> => {
  const pk = addressOrdersPk(shopId, channel, normalizeAddress(channel, address));
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await t.doc.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const entry = toAddressOrder(item);
      const theirs =
        whose.orderIds.has(entry.orderId) ||
        (entry.customerId !== undefined && whose.customerIds.has(entry.customerId));
      if (!theirs) continue;
      await t.doc.send(
        new DeleteCommand({ TableName: t.tableName, Key: { pk, sk: String(item.sk) } }),
      );
      deleted++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
};

/** The shop-wide erasure deletes an address entry it found by key alone. */
export const deleteLookupItem = async (
  t: TableRef,
  key: { pk: string; sk: string },
): Promise<boolean> => {
  const out = await t.doc.send(
    new DeleteCommand({ TableName: t.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
  );
  return out.Attributes !== undefined;
};
