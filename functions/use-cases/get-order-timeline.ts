import { OrderNotFoundError } from '../domain/errors.ts';
import type { FollowUp } from '../domain/follow-ups/follow-up.ts';
import { type OrderState, statusOf } from '../domain/order/order-state.ts';
import type { TableRef } from '../store/dynamo.ts';
import { readOrderPartition } from '../store/order-store.ts';

/** The events an order received, as staff and the customer's data export see them. */
export const eventsSeen = (order: OrderState) =>
  order.events.map((e) => ({
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    receivedAt: e.receivedAt,
  }));

/** Follow-ups in the order they come due (ties by step), as every listing shows them. */
export const inDueOrder = (followUps: readonly FollowUp[]): FollowUp[] =>
  [...followUps].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.step.localeCompare(b.step));

/** What operations staff see for one order: state, events received, and every follow-up with why. */
export const getOrderTimeline = async (t: TableRef, shopId: string, orderId: string) => {
  const { order, followUps } = await readOrderPartition(t, shopId, orderId);
  if (!order) throw new OrderNotFoundError(shopId, orderId);
  return {
    order: {
      id: order.orderId,
      status: statusOf(order),
      milestones: order.milestones,
      data: order.data,
    },
    events: eventsSeen(order),
    followUps: inDueOrder(followUps).map((f) => ({
      flow: f.flow,
      step: f.step,
      channel: f.channel,
      dueAt: f.dueAt,
      status: f.status,
      ...(f.reason ? { reason: f.reason } : {}),
      ...(f.sentAt ? { sentAt: f.sentAt } : {}),
      ...(f.lastError ? { lastError: f.lastError } : {}),
      ...(f.templateUsed
        ? {
            template: {
              key: f.templateUsed.key,
              source: f.templateUsed.version !== undefined ? 'shop' : 'default',
              ...(f.templateUsed.version !== undefined ? { version: f.templateUsed.version } : {}),
            },
          }
        : {}),
      ...(f.delivery ? { delivery: f.delivery } : {}),
      attempts: f.attempts,
    })),
  };
};
