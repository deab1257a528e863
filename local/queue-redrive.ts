import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { FollowUpKey } from '../functions/domain/follow-ups/follow-up.ts';
import type { SendQueue } from '../functions/queue/send-queue.ts';
import type { TableRef } from '../functions/store/dynamo.ts';

/**
 * SQS keeps a message until a consumer deletes it; the in-process emulator keeps nothing across a
 * restart. So when the local stack starts, it hands the send queue again every follow-up that is
 * queued with nothing in the due index to bring it back (an at-once notice whose message died
 * with the last process), as if the queue had kept it. Local only, and a Scan: the local table is
 * small, and in AWS the queue itself is durable.
 */
export const redriveQueued = async (t: TableRef, queue: SendQueue): Promise<number> => {
  const keys: FollowUpKey[] = [];
  for await (const page of paginateScan(
    { client: t.doc },
    {
      TableName: t.tableName,
      FilterExpression: '#type = :followup AND #status = :queued AND attribute_not_exists(dueSk)',
      ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
      ExpressionAttributeValues: { ':followup': 'followup', ':queued': 'queued' },
      ProjectionExpression: 'shopId, orderId, flow, step',
    },
  )) {
    for (const item of page.Items ?? []) keys.push(item as FollowUpKey);
  }
  const rejected = keys.length ? await queue.enqueue(keys) : [];
  if (rejected.length)
    throw new Error(`the local send queue refused ${rejected.length} follow-ups`);
  return keys.length;
};
