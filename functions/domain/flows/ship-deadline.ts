import type { NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import { isClosed, isPaid, type OrderState } from '../order/order-state.ts';
import type { Flow } from './flow.ts';
import { cancelPending, has, minus, newFollowUp, off, plus } from './flow-steps.ts';

export const SHIP_DEADLINE = 'ship-deadline';

/** A parcel further along than `shipped` proves it left, even when `order.shipped` is late or lost. */
const shippedOrLater = (order: OrderState): boolean => {
  const m = order.milestones;
  return Boolean(m.shipped ?? m.out_for_delivery ?? m.delivered ?? m.completed);
};

/** 未发货排查: staff hear about a paid order that has not shipped before the platform fines them. */
export const shipDeadlineFlow: Flow = {
  name: SHIP_DEADLINE,
  plan(input): Plan {
    const { order } = input;
    const s = input.shop.settings.flows.shipDeadline;
    if (shippedOrLater(order)) {
      return { create: [], cancel: cancelPending(input.followUps, SHIP_DEADLINE, 'order shipped') };
    }
    const create: NewFollowUp[] = [];
    if (
      s.enabled &&
      isPaid(order) &&
      !isClosed(order) &&
      !has(input.followUps, SHIP_DEADLINE, 'alert')
    ) {
      const shipBy = order.data.shipBy;
      const paidAt = order.milestones.paid ?? input.now.toISOString();
      const dueAt = shipBy ? minus(shipBy, s.beforeShipBy) : plus(paidAt, s.afterPaidWithoutShipBy);
      create.push(
        newFollowUp(input, { flow: SHIP_DEADLINE, step: 'alert', category: 'internal', dueAt }),
      );
    }
    return { create, cancel: [] };
  },
  recheck(input) {
    if (!input.shop.settings.flows.shipDeadline.enabled) return off('ship-deadline alerts');
    if (shippedOrLater(input.order)) return { action: 'skip', reason: 'order shipped' };
    return { action: 'send', channel: 'webhook' };
  },
};
