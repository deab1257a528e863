import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type TableRef } from './dynamo.ts';
import { testSendKey } from './table.ts';

/**
 * Takes one test send from a person's hourly allowance with one conditional update, so two
 * concurrent requests cannot both take the last one. False when the hour's allowance is used up.
 */
export const takeTestSend = async (
  t: TableRef,
  shopId: string,
  actor: string,
  now: Date,
  perHour: number,
): Promise<boolean> => {
  const hour = now.toISOString().slice(0, 13);
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: testSendKey(shopId, actor, hour),
        UpdateExpression: 'ADD sent :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': perHour,
          ':expires': Math.floor(now.getTime() / 1000) + 2 * 3600,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
};
