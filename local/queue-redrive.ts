import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { type FollowUpKey, followUpId } from '../functions/domain/follow-ups/follow-up.ts';
import type { SendQueue } from '../functions/queue/send-queue.ts';
import type { TableRef } from '../functions/store/dynamo.ts';
import { plannedOfOrderItem } from '../functions/store/order-store.ts';

/**
 * Every follow-up queued with nothing in the due index to bring it back: an item queued without
 * an index entry, or a step an order keeps queued (handed to SQS) that no sender has claimed, so
 * has no item yet. Local and test use only, and a Scan: the local table is small.
 */
export const findQueuedWithoutTimer = async (
  t: TableRef,
  /** Items queued with a lease in the due index count too: every follow-up not yet settled. */
  { leased = false }: { leased?: boolean } = {},
): Promise<FollowUpKey[]> => {
  const items = new Map<string, { key: FollowUpKey; waiting: boolean }>();
  const onOrders: FollowUpKey[] = [];
  const key = ({ shopId, orderId, flow, step }: FollowUpKey) => ({ shopId, orderId, flow, step });
  for await (const page of paginateScan(
    { client: t.doc },
    {
      TableName: t.tableName,
      FilterExpression: '#type IN (:followup, :order)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':followup': 'followup', ':order': 'order' },
    },
  )) {
    for (const item of page.Items ?? []) {
      if (item.type === 'order') {
        for (const f of plannedOfOrderItem(item)) if (f.status === 'queued') onOrders.push(f);
      } else {
        const k = key(item as FollowUpKey);
        items.set(followUpId(k), {
          key: k,
          waiting: item.status === 'queued' && (leased || !item.dueSk),
        });
      }
    }
  }
  return [
    ...[...items.values()].filter((i) => i.waiting).map((i) => i.key),
    ...onOrders.filter((f) => !items.has(followUpId(f))).map(key),
  ];
};

/**
 * SQS keeps a message until a consumer deletes it; the in-process emulator keeps nothing across a
 * restart. So when the local stack starts, it hands the send queue again every follow-up that is
 * queued with nothing in the due index to bring it back (an at-once notice whose message died
 * with the last process), as if the queue had kept it. In AWS the queue itself is durable.
 */
export const redriveQueued = async (t: TableRef, queue: SendQueue): Promise<number> => {
  const keys = await findQueuedWithoutTimer(t);
  const rejected = keys.length ? await queue.enqueue(keys) : [];
  if (rejected.length)
    throw new Error(`the local send queue refused ${rejected.length} follow-ups`);
  return keys.length;
};
