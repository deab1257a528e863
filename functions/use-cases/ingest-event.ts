import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime, Duration } from 'luxon';
import type { Clock } from '../domain/clock.ts';
import { planFollowUps } from '../domain/flows/registry.ts';
import {
  type FollowUp,
  type FollowUpKey,
  followUpId,
  type NewFollowUp,
} from '../domain/follow-ups/follow-up.ts';
import { placePlan } from '../domain/follow-ups/planned-steps.ts';
import {
  type CustomerHistory,
  orderStamp,
  purchaseStamp,
} from '../domain/order/customer-history.ts';
import type { OrderEvent } from '../domain/order/order-event.ts';
import {
  applyEvent,
  emptyOrder,
  hasEvent,
  isClosed,
  isPaid,
  type OrderState,
  placedAt,
} from '../domain/order/order-state.ts';
import { erasedOrderPlan } from '../domain/privacy/customer-erasure.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import type { SendQueue } from '../queue/send-queue.ts';
import { getCustomerHistory, recordBuyer, recordCustomerOrder } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { countPaymentRecovery } from '../store/flow-stats-store.ts';
import { cancelFollowUps, moveFollowUps } from '../store/follow-up-store.ts';
import { recordOrderLookups } from '../store/order-lookup-store.ts';
import { OrderChangedConcurrently, readOrderPartition, saveOrder } from '../store/order-store.ts';

export interface IngestDeps {
  table: TableRef;
  clock: Clock;
  /** At-once notices go straight to the send queue, not through the dispatcher. */
  queue: SendQueue;
}

export type IngestResult = 'accepted' | 'duplicate';

const MAX_ATTEMPTS = 8;

/** Keeps the customer's order history current; reads first so an unchanged history costs no write. */
const updateCustomer = async (
  deps: IngestDeps,
  shopId: string,
  order: ReturnType<typeof applyEvent>,
): Promise<CustomerHistory | undefined> => {
  const customerId = order.data.customer?.id;
  if (!customerId) return undefined;
  const history = await getCustomerHistory(deps.table, shopId, customerId);
  const placed = placedAt(order);
  const stamp = placed ? orderStamp(order.orderId, placed) : undefined;
  const paid = isPaid(order);
  const purchases =
    paid && placed
      ? (order.data.items ?? [])
          .map((i) => purchaseStamp(placed, order.orderId, i.sku))
          .filter((p) => !(history.purchases ?? []).includes(p))
      : [];
  const add = {
    ...(stamp && !history.orders.includes(stamp) ? { orderStamp: stamp } : {}),
    ...(paid && !history.paidOrders.includes(order.orderId) ? { paidOrderId: order.orderId } : {}),
    ...(paid && stamp && !(history.paidStamps ?? []).includes(stamp) ? { paidStamp: stamp } : {}),
    ...(purchases.length ? { purchases } : {}),
  };
  if (!add.orderStamp && !add.paidOrderId && !add.paidStamp && !add.purchases) return history;
  await recordCustomerOrder(deps.table, shopId, customerId, add);
  if (add.paidStamp && placed) {
    await recordBuyer(deps.table, shopId, { customerId, orderId: order.orderId, placedAt: placed });
  }
  return {
    customerId,
    orders: add.orderStamp ? [...history.orders, add.orderStamp] : history.orders,
    paidOrders: add.paidOrderId ? [...history.paidOrders, add.paidOrderId] : history.paidOrders,
    paidStamps: add.paidStamp
      ? [...(history.paidStamps ?? []), add.paidStamp]
      : (history.paidStamps ?? []),
    purchases: [...(history.purchases ?? []), ...purchases],
  };
};

/** What of an order its customer's history holds: the customer, when placed, paid, what was bought. */
const historyFacts = (order: OrderState): string =>
  JSON.stringify([
    order.data.customer?.id,
    placedAt(order),
    isPaid(order),
    (order.data.items ?? []).map((i) => i.sku),
  ]);

/**
 * Whether an event needs the customer's history: to record what it changed (an event that
 * changes none of it finds it recorded already, as every earlier event recorded its own before
 * the order was saved), or to plan payment reminders, whose channel depends on it.
 */
const needsHistory = (before: OrderState, after: OrderState): boolean =>
  historyFacts(before) !== historyFacts(after) || (!isPaid(after) && !isClosed(after));

/** A follow-up due now is planned queued, and intake hands it to SQS itself. */
const atOnce = (f: NewFollowUp, now: Date): NewFollowUp =>
  f.status === 'scheduled' && Date.parse(f.dueAt) <= now.getTime() ? { ...f, status: 'queued' } : f;

/**
 * When tonight's sweep may first chase this order (placed + the sweep's minimum age): until then
 * the order may stay out of the unpaid index while its timer brings it back sooner (saveOrder), so
 * an order paid before its first reminder, the common case, never enters the index at all.
 */
const sweepEligibleAt = (order: OrderState, shop: Shop): string | undefined => {
  const placed = placedAt(order);
  if (!placed) return undefined;
  const minAge = Duration.fromISO(shop.settings.paymentReminder.sweep.minOrderAge);
  return DateTime.fromISO(placed).plus(minAge).toUTC().toISO() ?? undefined;
};

const handOver = async (deps: IngestDeps, keys: FollowUpKey[]): Promise<void> => {
  if (keys.length === 0) return;
  const rejected = await deps.queue.enqueue(keys);
  if (rejected.length > 0) {
    throw new Error(
      `the send queue refused ${rejected.map(followUpId).join(', ')}; they are handed over again when the platform redelivers the event`,
    );
  }
};

/** Queued and never claimed: an at-once notice whose hand-over may not have happened. */
const unclaimed = (followUps: FollowUp[], except: Set<string> = new Set()): FollowUp[] =>
  followUps.filter(
    (f) => f.status === 'queued' && f.attempts === 0 && !except.has(`${f.flow}#${f.step}`),
  );

/**
 * Applies one order event: cancels and moves of follow-up items are written first and the order
 * last, under optimistic locking; the steps that wait are planned on the order item itself
 * (placePlan). A crash in between leaves the event unrecorded, so its redelivery runs again, and
 * every follow-up write is idempotent; a concurrent writer makes us re-read and re-plan.
 * At-once notices skip the dispatcher and the due index: planned queued on the order (no item of
 * their own until a sender claims one), they are handed to SQS once the order is saved, so a
 * sender never sees the order from before the event. Intake answers
 * 2xx only after the hand-over, so should it fail or the process die first, the platform
 * redelivers the event, and the redelivery hands over whatever is still unclaimed.
 */
export const ingestOrderEvent = async (
  deps: IngestDeps,
  shop: Shop,
  event: OrderEvent,
  webhookId?: string,
): Promise<IngestResult> => {
  const orderId = event.order.id;
  // The first read may be stale, at half the cost: the order is saved on its version, so a
  // stale read only costs another attempt, and every follow-up write is conditional.
  let consistent = false;
  for (let attempt = 1; ; attempt++) {
    const {
      order,
      followUps,
      planned: onOrder,
      stored,
    } = await readOrderPartition(deps.table, shop.id, orderId, { consistent });
    const current = order ?? emptyOrder(shop.id, orderId);
    if (hasEvent(current, event.id, webhookId)) {
      await handOver(deps, unclaimed(followUps));
      return 'duplicate';
    }
    const now = deps.clock.now();
    const next = applyEvent(current, event, now, webhookId);
    if (!consistent && isPaid(next) && !isPaid(current)) {
      // The payment report credits a reminder sent until this moment: it needs them all.
      consistent = true;
      continue;
    }
    const customer = needsHistory(current, next)
      ? await updateCustomer(deps, shop.id, next)
      : undefined;
    // Staff's lookups by number, phone and email: written once, when the order first has them.
    await recordOrderLookups(deps.table, current, next);
    const planned = planFollowUps({ order: next, followUps, customer, shop, now, event });
    const plan = next.erasedAt ? erasedOrderPlan(planned, followUps) : planned;
    const placed = placePlan(
      onOrder,
      stored,
      { ...plan, create: plan.create.map((f) => atOnce(f, now)) },
      now,
    );
    await cancelFollowUps(deps.table, shop.id, orderId, placed.cancel, now);
    await moveFollowUps(deps.table, shop.id, orderId, placed.move, now);
    try {
      await saveOrder(deps.table, next, placed.planned, {
        unpaidIndexFrom: sweepEligibleAt(next, shop),
      });
      await countPaymentRecovery(deps.table, current, next, followUps);
      // Besides its own, an event hands over what an earlier attempt may have left unsent.
      const cancelled = new Set(plan.cancel.map((c) => `${c.flow}#${c.step}`));
      await handOver(deps, [...placed.handOver, ...unclaimed(followUps, cancelled)]);
      return 'accepted';
    } catch (err) {
      if (!(err instanceof OrderChangedConcurrently) || attempt >= MAX_ATTEMPTS) throw err;
      consistent = true;
      await sleep(Math.random() * 20 * attempt);
    }
  }
};
