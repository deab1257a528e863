import type { NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import { isClosed, isPaid } from '../order/order-state.ts';
import type { Flow } from './flow.ts';
import { cancelPending, has, minus, newFollowUp, off, plus } from './flow-steps.ts';

export const SHIP_DEADLINE = 'ship-deadline';

/** 未发货排查: staff hear about a paid order that has not shipped before the platform fines them. */
export const shipDeadlineFlow: Flow = {
  name: SHIP_DEADLINE,
  plan(input): Plan {
    const { order } = input;
    const s = input.shop.settings.flows.shipDeadline;
    if (order.milestones.shipped) {
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
    if (input.order.milestones.shipped) return { action: 'skip', reason: 'order shipped' };
    return { action: 'send', channel: 'webhook' };
  },
};
