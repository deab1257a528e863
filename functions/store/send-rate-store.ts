import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateWindow } from '../channels/rate-window.ts';
import { isConditionFailed, type TableRef } from './dynamo.ts';
import { sendRateKey } from './table.ts';

/**
 * The pacing window in DynamoDB, shared by all concurrent senders: one item per rate key and
 * second, one conditional ADD per send (1 write unit, admitted or not); the marketing ceiling's
 * look at the second before is one eventually consistent read per sender and second.
 */
export const createDynamoRateWindow = (t: TableRef): RateWindow => ({
  async tryTake(rateKey, second, units, ceiling, transactional) {
    try {
      await t.doc.send(
        new UpdateCommand({
          TableName: t.tableName,
          Key: sendRateKey(rateKey, second),
          UpdateExpression: transactional
            ? 'ADD used :units, tx :units SET expiresAt = :expires'
            : 'ADD used :units SET expiresAt = :expires',
          // Alone in an empty second a send may exceed the ceiling (a long text at a low rate).
          ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
          ExpressionAttributeValues: {
            ':units': units,
            ':room': ceiling - units,
            ':expires': second + 120,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  },
  async transactionalIn(rateKey, second) {
    const out = await t.doc.send(
      new GetCommand({
        TableName: t.tableName,
        Key: sendRateKey(rateKey, second),
        ProjectionExpression: 'tx',
      }),
    );
    return Number(out.Item?.tx ?? 0);
  },
});
