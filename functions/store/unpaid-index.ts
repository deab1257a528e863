import { queryItems, type TableRef } from './dynamo.ts';
import { UNPAID_INDEX, unpaidPk } from './table.ts';

/** Orders of a shop still awaiting payment, placed before `placedBefore`, oldest first. */
export const queryUnpaidOrderIds = async (
  t: TableRef,
  shopId: string,
  placedBefore: Date,
): Promise<string[]> => {
  const ids: string[] = [];
  for await (const item of queryItems(t, {
    IndexName: UNPAID_INDEX,
    KeyConditionExpression: 'unpaidPk = :pk AND unpaidSk < :before',
    ExpressionAttributeValues: { ':pk': unpaidPk(shopId), ':before': placedBefore.toISOString() },
  })) {
    const sk = String(item.unpaidSk);
    ids.push(sk.slice(sk.indexOf('#') + 1));
  }
  return ids;
};
