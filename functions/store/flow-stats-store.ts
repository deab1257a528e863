import { NumberValue, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FollowUp, FollowUpKey, NewFollowUp } from '../domain/follow-ups/follow-up.ts';
import { reasonKey, reportStep } from '../domain/operations/reason-key.ts';
import { isPaid, type OrderState } from '../domain/order/order-state.ts';
import { isConditionFailed, type TableRef } from './dynamo.ts';
import { flowStatsPk, flowStatsSk, reportMarkKey } from './table.ts';

/**
 * Counters for the flow report: one UpdateItem ADD per outcome, written where the outcome is
 * recorded. A crash between the two writes loses one count; a report may be off by that much.
 */
const PAYMENT_REMINDER = 'payment-reminder';
export const PAYMENT_STATS_STEP = '@orders';
const DAY_MS = 86_400_000;

const dayOf = (at: Date | string) => new Date(at).toISOString().slice(0, 10);

const add = async (
  t: TableRef,
  shopId: string,
  day: string,
  flow: string,
  step: string,
  counters: Record<string, number | NumberValue>,
): Promise<void> => {
  const names: Record<string, string> = { '#flow': 'flow', '#step': 'step', '#day': 'day' };
  const values: Record<string, unknown> = { ':flow': flow, ':step': step, ':day': day };
  const adds = Object.entries(counters).map(([name, value], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = value;
    return `#c${i} :c${i}`;
  });
  await t.doc.send(
    new UpdateCommand({
      TableName: t.tableName,
      Key: { pk: flowStatsPk(shopId), sk: flowStatsSk(day, flow, step) },
      UpdateExpression: `SET #flow = :flow, #step = :step, #day = :day ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
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

const isHoldout = (reason: string | undefined) => reason?.toLowerCase().startsWith('holdout');

/** Order-level payment counters: reminded orders and held-out orders, each counted once. */
const countPaymentOrder = async (
  t: TableRef,
  key: Pick<FollowUpKey, 'shopId' | 'orderId' | 'flow'>,
  kind: 'reminded' | 'holdout',
  at: Date,
) => {
  if (key.flow !== PAYMENT_REMINDER) return;
  if (await markOnce(t, key.shopId, key.orderId, `payment-${kind}`, at)) {
    await add(t, key.shopId, dayOf(at), PAYMENT_REMINDER, PAYMENT_STATS_STEP, {
      [`${kind}Orders`]: 1,
    });
  }
};

/** A follow-up was planned (scheduled) or planned already skipped, e.g. past the deadline. */
export const countCreated = async (t: TableRef, f: NewFollowUp): Promise<void> => {
  const counter = f.status === 'skipped' ? `skipped:${reasonKey(f.reason)}` : f.status;
  await add(t, f.shopId, dayOf(f.createdAt), f.flow, reportStep(f.step), { [counter]: 1 });
  if (f.status === 'skipped' && isHoldout(f.reason))
    await countPaymentOrder(t, f, 'holdout', new Date(f.createdAt));
};

export const countCancelled = async (
  t: TableRef,
  shopId: string,
  c: { flow: string; step: string; reason: string },
  now: Date,
): Promise<void> => {
  await add(t, shopId, dayOf(now), c.flow, reportStep(c.step), {
    [`cancelled:${reasonKey(c.reason)}`]: 1,
  });
};

/** What a sender recorded: sent, skipped (by reason) or failed; retries and moves are not outcomes. */
export const countOutcome = async (
  t: TableRef,
  key: FollowUpKey,
  outcome: { status: string; reason?: string },
  now: Date,
): Promise<void> => {
  const counter =
    outcome.status === 'sent' || outcome.status === 'failed'
      ? outcome.status
      : outcome.status === 'skipped'
        ? `skipped:${reasonKey(outcome.reason)}`
        : undefined;
  if (!counter) return;
  await add(t, key.shopId, dayOf(now), key.flow, reportStep(key.step), { [counter]: 1 });
  if (outcome.status === 'sent') await countPaymentOrder(t, key, 'reminded', now);
  if (outcome.status === 'skipped' && isHoldout(outcome.reason))
    await countPaymentOrder(t, key, 'holdout', now);
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
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await t.doc.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': flowStatsPk(shopId),
          ':from': `${fromDay}#`,
          ':to': `${toDay}#\uffff`,
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, flow, step, day, ...rest } = item;
      const counters: Record<string, number> = {};
      for (const [name, value] of Object.entries(rest)) {
        if (typeof value === 'number') counters[name] = value;
      }
      out.push({ day: String(day), flow: String(flow), step: String(step), counters });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
};
