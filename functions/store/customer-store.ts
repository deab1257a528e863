import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerHistory } from '../domain/order/customer-history.ts';
import { ignoreConditionFailed, queryItems, type TableRef } from './dynamo.ts';
import { buyerKey, buyersPk, customerKey } from './table.ts';

export const getCustomerHistory = async (
  t: TableRef,
  shopId: string,
  customerId: string,
): Promise<CustomerHistory> => {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: customerKey(shopId, customerId) }),
  );
  const item = out.Item as
    | {
        orders?: Set<string>;
        paidOrders?: Set<string>;
        paidStamps?: Set<string>;
        purchases?: Set<string>;
      }
    | undefined;
  return {
    customerId,
    orders: [...(item?.orders ?? [])],
    paidOrders: [...(item?.paidOrders ?? [])],
    paidStamps: [...(item?.paidStamps ?? [])],
    purchases: [...(item?.purchases ?? [])],
  };
};

/** Set additions are idempotent, so an event applied twice never counts an order twice. */
export const recordCustomerOrder = async (
  t: TableRef,
  shopId: string,
  customerId: string,
  add: { orderStamp?: string; paidOrderId?: string; paidStamp?: string; purchases?: string[] },
): Promise<void> => {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  if (add.orderStamp) {
    parts.push('orders :order');
    values[':order'] = new Set([add.orderStamp]);
  }
  if (add.paidOrderId) {
    parts.push('paidOrders :paid');
    values[':paid'] = new Set([add.paidOrderId]);
  }
  if (add.paidStamp) {
    parts.push('paidStamps :paidStamp');
    values[':paidStamp'] = new Set([add.paidStamp]);
  }
  if (add.purchases?.length) {
    parts.push('purchases :purchases');
    values[':purchases'] = new Set(add.purchases);
  }
  if (parts.length === 0) return;
  await t.doc.send(
    new UpdateCommand({
      TableName: t.tableName,
      Key: customerKey(shopId, customerId),
      UpdateExpression: `SET #type = :type ADD ${parts.join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ...values, ':type': 'customer' },
    }),
  );
};

export interface Buyer {
  customerId: string;
  orderId: string;
  placedAt: string;
}

const monthOf = (iso: string): string => new Date(iso).toISOString().slice(0, 7);

/** Notes a paid order in its month's buyers partition; a later order of the month replaces an earlier one. */
export const recordBuyer = async (t: TableRef, shopId: string, buyer: Buyer): Promise<void> => {
  const expiresAt = Math.floor(new Date(buyer.placedAt).getTime() / 1000) + 400 * 86_400;
  await ignoreConditionFailed(
    t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...buyerKey(shopId, monthOf(buyer.placedAt), buyer.customerId),
          type: 'buyer',
          ...buyer,
          expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR placedAt < :placedAt',
        ExpressionAttributeValues: { ':placedAt': buyer.placedAt },
      }),
    ),
  );
};

/** Customers with a paid order placed after `since`, each with their latest such order. */
export const listBuyersSince = async (
  t: TableRef,
  shopId: string,
  since: Date,
  until: Date,
): Promise<Buyer[]> => {
  const latest = new Map<string, Buyer>();
  const months: string[] = [];
  const cursor = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), 1));
  while (cursor <= until) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  for (const month of months) {
    for await (const item of queryItems(t, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': buyersPk(shopId, month) },
    })) {
      const b = item as Buyer;
      if (new Date(b.placedAt) <= since) continue;
      const known = latest.get(b.customerId);
      if (!known || known.placedAt < b.placedAt) {
        latest.set(b.customerId, {
          customerId: b.customerId,
          orderId: b.orderId,
          placedAt: b.placedAt,
        });
      }
    }
  }
  return [...latest.values()];
};

/** Deletes the customer's history; true when there was one. */
export const deleteCustomerHistory = async (
  t: TableRef,
  shopId: string,
  customerId: string,
): Promise<boolean> => {
  const out = await t.doc.send(
    new DeleteCommand({
      TableName: t.tableName,
      Key: customerKey(shopId, customerId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return out.Attributes !== undefined;
};

/** The month partition a paid order placed at `placedAt` is noted in (UTC months). */
export const buyerMonthOf = (placedAt: string): string => monthOf(placedAt);

export const getBuyer = async (
  t: TableRef,
  shopId: string,
  month: string,
  customerId: string,
): Promise<Buyer | undefined> => {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: buyerKey(shopId, month, customerId) }),
  );
  if (!out.Item) return undefined;
  const { orderId, placedAt } = out.Item as Buyer;
  return { customerId, orderId, placedAt };
};

/** Deletes the customer's entry of one month's buyers; true when there was one. */
export const deleteBuyer = async (
  t: TableRef,
  shopId: string,
  month: string,
  customerId: string,
): Promise<boolean> => {
  const out = await t.doc.send(
    new DeleteCommand({
      TableName: t.tableName,
      Key: buyerKey(shopId, month, customerId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return out.Attributes !== undefined;
};
