import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FollowUp } from '../domain/follow-ups/follow-up.ts';
import { isClosed, isPaid, type OrderState, placedAt } from '../domain/order/order-state.ts';
import { isConditionFailed, queryItems, type TableRef } from './dynamo.ts';
import { type FollowUpItem, fromFollowUpItem } from './follow-up-store.ts';
import { pack, unpack } from './packed.ts';
import { FOLLOW_UP_SK_PREFIX, orderKey, orderPk, unpaidPk, unpaidSk } from './table.ts';

type OrderBody = Pick<OrderState, 'data' | 'dataAsOf' | 'milestones' | 'events' | 'erasedAt'>;

/**
 * The order's data, milestones and event ids travel as one Brotli-compressed attribute: about
 * 1.5 KB of JSON becomes about 0.5 KB, so each of the order's writes costs one write unit, not
 * two (DynamoDB bills writes per KB; its guide suggests compressing large attributes). Items
 * written before this carry the fields plainly and are still read.
 */
export interface OrderItem {
  pk: string;
  sk: string;
  type: 'order';
  shopId: string;
  orderId: string;
  version: number;
  body: Uint8Array;
  unpaidPk?: string;
  unpaidSk?: string;
}

const packBody = (state: OrderState): Uint8Array =>
  pack({
    data: state.data,
    dataAsOf: state.dataAsOf,
    milestones: state.milestones,
    events: state.events,
    ...(state.erasedAt ? { erasedAt: state.erasedAt } : {}),
  } satisfies OrderBody);

const unpackBody = (item: Record<string, unknown>): OrderBody =>
  item.body instanceof Uint8Array ? unpack<OrderBody>(item.body) : (item as unknown as OrderBody);

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

const toState = (item: Record<string, unknown>): OrderState => {
  const body = unpackBody(item);
  return {
    shopId: String(item.shopId),
    orderId: String(item.orderId),
    data: body.data,
    dataAsOf: body.dataAsOf,
    milestones: body.milestones,
    events: body.events,
    version: Number(item.version),
    ...(body.erasedAt ? { erasedAt: body.erasedAt } : {}),
  };
};

/**
 * The order and all its follow-ups in one Query (they share a partition), strongly consistent
 * unless the caller can do with half the read cost: intake can, as it saves the order under
 * optimistic locking, so a stale read only sends it round again (with a consistent read).
 */
export const readOrderPartition = async (
  t: TableRef,
  shopId: string,
  orderId: string,
  { consistent = true }: { consistent?: boolean } = {},
): Promise<OrderPartition> => {
  let order: OrderState | undefined;
  const followUps: FollowUp[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': orderPk(shopId, orderId) },
    ConsistentRead: consistent,
  })) {
    if (item.sk === 'ORDER') order = toState(item);
    else if (String(item.sk).startsWith(FOLLOW_UP_SK_PREFIX))
      followUps.push(fromFollowUpItem(item as FollowUpItem));
  }
  return { order, followUps };
};

/**
 * Writes the order only if nobody else wrote it since `state.version` was read (optimistic
 * locking), so two events for one order at once never lose an update.
 */
export const saveOrder = async (t: TableRef, state: OrderState): Promise<OrderState> => {
  const next = { ...state, version: state.version + 1 };
  const placed = placedAt(next);
  // A checkout is chased by its own flow, never by the daily sweep over unpaid orders; an erased
  // order has no one left to chase: both stay out of the sweep's index.
  const awaitingPayment =
    !isPaid(next) &&
    !isClosed(next) &&
    placed !== undefined &&
    next.data.checkout === undefined &&
    next.erasedAt === undefined;
  const item: OrderItem = {
    ...orderKey(state.shopId, state.orderId),
    type: 'order',
    shopId: next.shopId,
    orderId: next.orderId,
    version: next.version,
    body: packBody(next),
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
