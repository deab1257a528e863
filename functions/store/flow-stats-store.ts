import { NumberValue, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FollowUp } from '../domain/follow-ups/follow-up.ts';
import {
  type CounterChanges,
  type CounterIncrement,
  dayOf,
  isHoldout,
  PAYMENT_REMINDER,
} from '../domain/operations/flow-counters.ts';
import { isPaid, type OrderState } from '../domain/order/order-state.ts';
import { isConditionFailed, queryItems, type TableRef } from './dynamo.ts';
import { flowStatsPk, flowStatsSk, reportMarkKey } from './table.ts';

/**
 * Counters for the flow report. Follow-up changes are counted off the send path, from the
 * table's stream (handlers/flow-stats.ts): one UpdateItem per counter item and batch. The
 * payment recovery counters are written by intake on the event that makes an order paid.
 */
export const PAYMENT_STATS_STEP = '@orders';
const DAY_MS = 86_400_000;

const add = async (
  t: TableRef,
  shopId: string,
  day: string,
  flow: string,
  step: string,
  counters: Record<string, number | NumberValue>,
  batchId?: string,
): Promise<void> => {
  const names: Record<string, string> = { '#flow': 'flow', '#step': 'step', '#day': 'day' };
  const values: Record<string, unknown> = { ':flow': flow, ':step': step, ':day': day };
  const adds = Object.entries(counters).map(([name, value], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = value;
    return `#c${i} :c${i}`;
  });
  const guard = batchId !== undefined;
  if (guard) {
    names['#batch'] = 'lastBatch';
    values[':batch'] = batchId;
  }
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: flowStatsPk(shopId), sk: flowStatsSk(day, flow, step) },
        UpdateExpression: `SET #flow = :flow, #step = :step, #day = :day${guard ? ', #batch = :batch' : ''} ADD ${adds.join(', ')}`,
        ...(guard
          ? { ConditionExpression: 'attribute_not_exists(#batch) OR #batch <> :batch' }
          : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (err) {
    // This batch was applied to this item before a failure made the stream hand it over again.
    if (guard && isConditionFailed(err)) return;
    throw err;
  }
};

/** True the first time an order is counted under `kind`: distinct orders, not messages. */
const markOnce = async (t: TableRef, shopId: string, orderId: string, kind: string, at: Date) => {
  try {
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...reportMarkKey(shopId, orderId, kind),
          type: 'report-mark',
          at: at.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
};

/**
 * Adds one stream batch's changes: increments summed per counter item, so a batch costs one
 * write per (shop, day, flow, step) it touches, whatever its size. `batchId` names the batch;
 * an item that already took it (a retried batch) is left alone.
 */
export const applyCounterChanges = async (
  t: TableRef,
  changes: CounterChanges[],
  batchId: string,
): Promise<{ items: number }> => {
  const items = new Map<string, { i: CounterIncrement; counters: Record<string, number> }>();
  for (const { increments } of changes) {
    for (const i of increments) {
      const key = JSON.stringify([i.shopId, i.day, i.flow, i.step]);
      const entry = items.get(key) ?? { i, counters: {} };
      entry.counters[i.counter] = (entry.counters[i.counter] ?? 0) + 1;
      items.set(key, entry);
    }
  }
  await Promise.all(
    [...items.values()].map(({ i, counters }) =>
      add(t, i.shopId, i.day, i.flow, i.step, counters, batchId),
    ),
  );
  for (const m of changes.flatMap((c) => c.marks)) {
    if (await markOnce(t, m.shopId, m.orderId, `payment-${m.kind}`, new Date(m.at))) {
      await add(t, m.shopId, dayOf(m.at), PAYMENT_REMINDER, PAYMENT_STATS_STEP, {
        [`${m.kind}Orders`]: 1,
      });
    }
  }
  return { items: items.size };
};

/**
 * On the event that makes an order paid: paid within 24 h of its first payment reminder (with
 * the revenue), or within 24 h of when a held-out reminder would have gone. Counted on the day
 * the order was first counted, so reminded and paid line up.
 */
export const countPaymentRecovery = async (
  t: TableRef,
  before: OrderState,
  after: OrderState,
  followUps: FollowUp[],
): Promise<void> => {
  if (isPaid(before) || !isPaid(after)) return;
  const paidAt = after.milestones.paid;
  if (!paidAt) return;
  const reminders = followUps.filter((f) => f.flow === PAYMENT_REMINDER);
  const earliest = (xs: (string | undefined)[]) =>
    xs.filter((x): x is string => x !== undefined).sort()[0];
  const sentAt = earliest(reminders.filter((f) => f.status === 'sent').map((f) => f.sentAt));
  const heldAt = earliest(
    reminders.filter((f) => f.status === 'skipped' && isHoldout(f.reason)).map((f) => f.updatedAt),
  );
  const within = (from: string) => {
    const ms = new Date(paidAt).getTime() - new Date(from).getTime();
    return ms >= 0 && ms <= DAY_MS;
  };
  if (sentAt && within(sentAt)) {
    const currency = after.data.currency ?? 'XXX';
    await add(t, after.shopId, dayOf(sentAt), PAYMENT_REMINDER, PAYMENT_STATS_STEP, {
      remindedPaidWithin24h: 1,
      ...(after.data.total ? { [`revenue:${currency}`]: NumberValue.from(after.data.total) } : {}),
    });
  } else if (!sentAt && heldAt && within(heldAt)) {
    await add(t, after.shopId, dayOf(heldAt), PAYMENT_REMINDER, PAYMENT_STATS_STEP, {
      holdoutPaidWithin24h: 1,
    });
  }
};

export interface FlowStatsItem {
  day: string;
  flow: string;
  step: string;
  counters: Record<string, number>;
}

/** Every counter item of a shop for the UTC days from..to inclusive: one Query, no scan. */
export const readFlowStats = async (
  t: TableRef,
  shopId: string,
  fromDay: string,
  toDay: string,
): Promise<FlowStatsItem[]> => {
  const out: FlowStatsItem[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': flowStatsPk(shopId),
      ':from': `${fromDay}#`,
      ':to': `${toDay}#\uffff`,
    },
  })) {
    const { pk: _pk, sk: _sk, flow, step, day, ...rest } = item;
    const counters: Record<string, number> = {};
    for (const [name, value] of Object.entries(rest)) {
      if (typeof value === 'number') counters[name] = value;
    }
    out.push({ day: String(day), flow: String(flow), step: String(step), counters });
  }
  return out;
};
