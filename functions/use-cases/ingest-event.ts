import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../domain/clock.ts';
import { planFollowUps } from '../domain/flows/registry.ts';
import {
  type CustomerHistory,
  orderStamp,
  purchaseStamp,
} from '../domain/order/customer-history.ts';
import type { OrderEvent } from '../domain/order/order-event.ts';
import { applyEvent, emptyOrder, hasEvent, isPaid, placedAt } from '../domain/order/order-state.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import { getCustomerHistory, recordBuyer, recordCustomerOrder } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { countPaymentRecovery } from '../store/flow-stats-store.ts';
import { cancelFollowUps, createFollowUps, moveFollowUps } from '../store/follow-up-store.ts';
import { OrderChangedConcurrently, readOrderPartition, saveOrder } from '../store/order-store.ts';

export interface IngestDeps {
  table: TableRef;
  clock: Clock;
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

/**
 * Applies one order event: follow-ups are written first and the order last, under optimistic
 * locking. A crash in between leaves the event unrecorded, so its redelivery runs again, and
 * every follow-up write is idempotent; a concurrent writer makes us re-read and re-plan.
 */
export const ingestOrderEvent = async (
  deps: IngestDeps,
  shop: Shop,
  event: OrderEvent,
  webhookId?: string,
): Promise<IngestResult> => {
  const orderId = event.order.id;
  for (let attempt = 1; ; attempt++) {
    const { order, followUps } = await readOrderPartition(deps.table, shop.id, orderId);
    const current = order ?? emptyOrder(shop.id, orderId);
    if (hasEvent(current, event.id, webhookId)) return 'duplicate';
    const now = deps.clock.now();
    const next = applyEvent(current, event, now, webhookId);
    const customer = await updateCustomer(deps, shop.id, next);
    const plan = planFollowUps({ order: next, followUps, customer, shop, now, event });
    await createFollowUps(deps.table, plan.create);
    await cancelFollowUps(deps.table, shop.id, orderId, plan.cancel, now);
    await moveFollowUps(deps.table, shop.id, orderId, plan.move ?? [], now);
    try {
      await saveOrder(deps.table, next);
      await countPaymentRecovery(deps.table, current, next, followUps);
      return 'accepted';
    } catch (err) {
      if (!(err instanceof OrderChangedConcurrently) || attempt >= MAX_ATTEMPTS) throw err;
      await sleep(Math.random() * 20 * attempt);
    }
  }
};
