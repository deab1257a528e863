import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo.ts';
import { UNPAID_INDEX, unpaidPk } from './table.ts';

/** Orders of a shop still awaiting payment, placed before `placedBefore`, oldest first. */
export const queryUnpaidOrderIds = async (
  t: TableRef,
  shopId: string,
  placedBefore: Date,
): Promise<string[]> => {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await t.doc.send(
      new QueryCommand({
        TableName: t.tableName,
        IndexName: UNPAID_INDEX,
        KeyConditionExpression: 'unpaidPk = :pk AND unpaidSk < :before',
        ExpressionAttributeValues: {
          ':pk': unpaidPk(shopId),
          ':before': placedBefore.toISOString(),
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const sk = String(item.unpaidSk);
      ids.push(sk.slice(sk.indexOf('#') + 1));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return ids;
};
