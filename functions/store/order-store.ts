import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Category,
  Channel,
  FollowUp,
  FollowUpStatus,
  NewFollowUp,
} from '../domain/follow-ups/follow-up.ts';
import { isClosed, isPaid, type OrderState, placedAt } from '../domain/order/order-state.ts';
import { isConditionFailed, queryItems, type TableRef } from './dynamo.ts';
import { type FollowUpItem, fromFollowUpItem } from './follow-up-store.ts';
import { pack, unpack } from './packed.ts';
import { FOLLOW_UP_SK_PREFIX, orderKey, orderPk, unpaidPk, unpaidSk } from './table.ts';

/**
 * A step kept on the order item instead of its own: planned (scheduled) and not yet fired, or
 * cancelled before it fired (kept so the timeline says why, and so no flow plans it again).
 */
export type PlannedStep = Omit<FollowUp, 'shopId' | 'orderId' | 'attempts'>;

type OrderBody = Pick<OrderState, 'data' | 'dataAsOf' | 'milestones' | 'events' | 'erasedAt'> & {
  /** As items written before the steps were stored compactly carry them: still read. */
  planned?: PlannedStep[];
  steps?: CompactStep[];
};

/**
 * A planned step as a tuple without field names, its template and update time left out where
 * they repeat the step and creation time: the delivered order's write, with seven steps on it,
 * was 1,007 bytes, 17 short of a second write unit; this takes about 70 bytes off it.
 */
type CompactStep = [
  flow: string,
  step: string,
  template: string | 0,
  channel: Channel,
  category: Category,
  dueAt: string,
  status: FollowUpStatus,
  createdAt: string,
  updatedAt: string | 0,
  rest?: Partial<PlannedStep>,
];

const compactStep = (p: PlannedStep): CompactStep => {
  const { flow, step, template, channel, category, dueAt, status, createdAt, updatedAt, ...rest } =
    p;
  const head: [
    string,
    string,
    string | 0,
    Channel,
    Category,
    string,
    FollowUpStatus,
    string,
    string | 0,
  ] = [
    flow,
    step,
    template === step ? 0 : template,
    channel,
    category,
    dueAt,
    status,
    createdAt,
    updatedAt === createdAt ? 0 : updatedAt,
  ];
  const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return Object.keys(extra).length ? [...head, extra] : head;
};

const expandStep = ([
  flow,
  step,
  template,
  channel,
  category,
  dueAt,
  status,
  createdAt,
  updatedAt,
  rest,
]: CompactStep): PlannedStep => ({
  flow,
  step,
  template: template === 0 ? step : template,
  channel,
  category,
  dueAt,
  status,
  createdAt,
  updatedAt: updatedAt === 0 ? createdAt : updatedAt,
  ...rest,
});

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
  /**
   * The order's one timer: the earliest time a planned step is due, armed outside the table
   * (functions/timers). Items written before kept it in the `due` index (duePk, dueSk), where
   * the dispatcher still fires it.
   */
  timerAt?: string;
  duePk?: string;
  dueSk?: string;
}

const packBody = (state: OrderState, planned: PlannedStep[]): Uint8Array =>
  pack({
    data: state.data,
    dataAsOf: state.dataAsOf,
    milestones: state.milestones,
    events: state.events,
    ...(state.erasedAt ? { erasedAt: state.erasedAt } : {}),
    ...(planned.length ? { steps: planned.map(compactStep) } : {}),
  } satisfies OrderBody);

const unpackBody = (item: Record<string, unknown>): OrderBody =>
  item.body instanceof Uint8Array ? unpack<OrderBody>(item.body) : (item as unknown as OrderBody);

export interface OrderPartition {
  order: OrderState | undefined;
  /** Every follow-up of the order: its own items, and the steps planned on the order item. */
  followUps: FollowUp[];
  /** The steps the order item keeps, as stored (one that has fired meanwhile has an item too). */
  planned: FollowUp[];
  /** The follow-ups that are items of their own (fired, or written by a sweep or greetings). */
  stored: FollowUp[];
}

const toFollowUp = (shopId: string, orderId: string, p: PlannedStep): FollowUp => ({
  shopId,
  orderId,
  ...p,
  attempts: 0,
});

const toPlannedStep = (f: FollowUp): PlannedStep => {
  const { shopId: _s, orderId: _o, attempts: _a, ...step } = f;
  return step;
};

/** The planned steps an order item carries (also read from the stream's images). */
export const plannedOfOrderItem = (item: Record<string, unknown>): FollowUp[] => {
  const body = unpackBody(item);
  const steps = body.steps?.map(expandStep) ?? body.planned ?? [];
  return steps.map((p) => toFollowUp(String(item.shopId), String(item.orderId), p));
};

/** When the order's timer fires: its earliest planned step still scheduled. */
export const timerOf = (planned: FollowUp[]): string | undefined =>
  planned
    .filter((f) => f.status === 'scheduled')
    .map((f) => f.dueAt)
    .sort()[0];

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
    ...(typeof (item.timerAt ?? item.dueSk) === 'string'
      ? { timerAt: String(item.timerAt ?? item.dueSk) }
      : {}),
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
  let planned: FollowUp[] = [];
  const stored: FollowUp[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': orderPk(shopId, orderId) },
    ConsistentRead: consistent,
  })) {
    if (item.sk === 'ORDER') {
      order = toState(item);
      planned = plannedOfOrderItem(item);
    } else if (String(item.sk).startsWith(FOLLOW_UP_SK_PREFIX))
      stored.push(fromFollowUpItem(item as FollowUpItem));
  }
  // A step that fired has its own item: that item is what it is now.
  const fired = new Set(stored.map((f) => `${f.flow}#${f.step}`));
  const followUps = [...stored, ...planned.filter((f) => !fired.has(`${f.flow}#${f.step}`))];
  return { order, followUps, planned, stored };
};

/** How long before the sweep may chase an order its timer must fire to keep it out of the index. */
const UNPAID_INDEX_MARGIN_MS = 10 * 60_000;

/**
 * Writes the order only if nobody else wrote it since `state.version` was read (optimistic
 * locking), so two events for one order at once never lose an update. `planned` are the steps the
 * order item keeps; the earliest scheduled one is the order's entry in the due index.
 */
export const saveOrder = async (
  t: TableRef,
  state: OrderState,
  planned: FollowUp[],
  {
    unpaidIndexFrom,
  }: {
    /**
     * When the daily sweep may first chase the order. The order's first write leaves it out of the
     * unpaid index when its timer fires well before then: that firing writes the order again, and
     * enters it if it is still unpaid. An order paid before its first reminder never enters it.
     */
    unpaidIndexFrom?: string;
  } = {},
): Promise<OrderState> => {
  const { timerAt: previous, ...rest } = state;
  const timer = timerOf(planned);
  const next: OrderState = {
    ...rest,
    version: state.version + 1,
    ...(timer ? { timerAt: timer } : {}),
  };
  const placed = placedAt(next);
  // A checkout is chased by its own flow, never by the daily sweep over unpaid orders; an erased
  // order has no one left to chase: both stay out of the sweep's index.
  const awaitingPayment =
    !isPaid(next) &&
    !isClosed(next) &&
    placed !== undefined &&
    next.data.checkout === undefined &&
    next.erasedAt === undefined;
  const deferred =
    state.version === 0 &&
    timer !== undefined &&
    unpaidIndexFrom !== undefined &&
    Date.parse(timer) <= Date.parse(unpaidIndexFrom) - UNPAID_INDEX_MARGIN_MS;
  const item: OrderItem = {
    ...orderKey(state.shopId, state.orderId),
    type: 'order',
    shopId: next.shopId,
    orderId: next.orderId,
    version: next.version,
    body: packBody(next, planned.map(toPlannedStep)),
    ...(timer ? { timerAt: timer } : {}),
    ...(awaitingPayment && !deferred
      ? { unpaidPk: unpaidPk(state.shopId), unpaidSk: unpaidSk(placed, state.orderId) }
      : {}),
  };
  const timerOfOrder = (at: string) => ({ shopId: state.shopId, orderId: state.orderId, at });
  // Armed before the write: an item that says "due at T" always has its timer at T.
  if (timer && timer !== previous) {
    if (!t.timers) throw new Error('order timers are not configured: cannot write an order timer');
    await t.timers.arm(timerOfOrder(timer));
  }
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
  // The old timer is best dropped; should that fail, it fires, finds nothing due and is spent.
  if (previous && previous !== timer)
    await t.timers?.disarm(timerOfOrder(previous)).catch(() => {});
  return next;
};

/**
 * Plans steps on the order item (a chained step, once the step it follows is settled), unless
 * the order has them already; under the order's version, re-reading when another write won.
 * `seen` is a partition the caller read already, used for the first attempt.
 */
export const planOnOrder = async (
  t: TableRef,
  shopId: string,
  orderId: string,
  steps: NewFollowUp[],
  seen?: OrderPartition,
): Promise<void> => {
  const key = (f: { flow: string; step: string }) => `${f.flow}#${f.step}`;
  let partition = seen ?? (await readOrderPartition(t, shopId, orderId));
  for (let attempt = 1; ; attempt++) {
    const { order, planned, stored, followUps } = partition;
    if (!order) return;
    const existing = new Set(followUps.map(key));
    const fresh = steps.filter((f) => !existing.has(key(f)));
    if (fresh.length === 0) return;
    const fired = new Set(stored.map(key));
    try {
      await saveOrder(t, order, [
        ...planned.filter((f) => !fired.has(key(f))),
        ...fresh.map((f) => ({ ...f, updatedAt: f.createdAt, attempts: 0 })),
      ]);
      return;
    } catch (err) {
      if (!(err instanceof OrderChangedConcurrently) || attempt >= 8) throw err;
      partition = await readOrderPartition(t, shopId, orderId);
    }
  }
};
