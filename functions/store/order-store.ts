import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FollowUp } from '../domain/follow-ups/follow-up.ts';
import { isClosed, isPaid, type OrderState, placedAt } from '../domain/order/order-state.ts';
import { isConditionFailed, type TableRef } from './dynamo.ts';
import { type FollowUpItem, fromFollowUpItem } from './follow-up-store.ts';
import { FOLLOW_UP_SK_PREFIX, orderKey, orderPk, unpaidPk, unpaidSk } from './table.ts';

export interface OrderItem extends OrderState {
  pk: string;
  sk: string;
  type: 'order';
  unpaidPk?: string;
  unpaidSk?: string;
}

export interface OrderPartition {
  order: OrderState | undefined;
  followUps: FollowUp[];
}

/** Another writer changed the order since it was read; the caller re-reads and tries again. */
export class OrderChangedConcurrently extends Error {
  constructor(shopId: string, orderId: string) {
    super(`order ${shopId}/${orderId} changed while this update was in flight`);
    this.name = 'OrderChangedConcurrently';
  }
}

const toState = (item: OrderItem): OrderState => ({
  shopId: item.shopId,
  orderId: item.orderId,
  data: item.data,
  dataAsOf: item.dataAsOf,
  milestones: item.milestones,
  events: item.events,
  version: item.version,
});

/** The order and all its follow-ups in one strongly consistent Query (they share a partition). */
export const readOrderPartition = async (
  t: TableRef,
  shopId: string,
  orderId: string,
): Promise<OrderPartition> => {
  let order: OrderState | undefined;
  const followUps: FollowUp[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await t.doc.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': orderPk(shopId, orderId) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.sk === 'ORDER') order = toState(item as OrderItem);
      else if (String(item.sk).startsWith(FOLLOW_UP_SK_PREFIX))
        followUps.push(fromFollowUpItem(item as FollowUpItem));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { order, followUps };
};

/**
 * Writes the order only if nobody else wrote it since `state.version` was read (optimistic
 * locking), so two events for one order at once never lose an update.
 */
export const saveOrder = async (t: TableRef, state: OrderState): Promise<OrderState> => {
  const next = { ...state, version: state.version + 1 };
  const placed = placedAt(next);
  const awaitingPayment = !isPaid(next) && !isClosed(next) && placed !== undefined;
  const item: OrderItem = {
    ...orderKey(state.shopId, state.orderId),
    type: 'order',
    ...next,
    ...(awaitingPayment
      ? { unpaidPk: unpaidPk(state.shopId), unpaidSk: unpaidSk(placed, state.orderId) }
      : {}),
  };
  try {
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: item,
        ConditionExpression:
          state.version === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(state.version === 0
          ? {}
          : { ExpressionAttributeValues: { ':expected': state.version } }),
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw new OrderChangedConcurrently(state.shopId, state.orderId);
    throw err;
  }
  return next;
};
