import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerHistory } from '../domain/order/customer-history.ts';
import type { TableRef } from './dynamo.ts';
import { customerKey } from './table.ts';

export const getCustomerHistory = async (
  t: TableRef,
  shopId: string,
  customerId: string,
): Promise<CustomerHistory> => {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: customerKey(shopId, customerId) }),
  );
  const item = out.Item as { orders?: Set<string>; paidOrders?: Set<string> } | undefined;
  return {
    customerId,
    orders: [...(item?.orders ?? [])],
    paidOrders: [...(item?.paidOrders ?? [])],
  };
};

/** Set additions are idempotent, so an event applied twice never counts an order twice. */
export const recordCustomerOrder = async (
  t: TableRef,
  shopId: string,
  customerId: string,
  add: { orderStamp?: string; paidOrderId?: string },
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
