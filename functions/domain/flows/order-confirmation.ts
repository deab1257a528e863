import type { Plan } from '../follow-ups/follow-up.ts';
import { isClosed } from '../order/order-state.ts';
import type { Flow } from './flow.ts';
import { has, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const ORDER_CONFIRMATION = 'order-confirmation';

/** 确认订单: "we got it", the items, the amount and the masked address to double-check. */
export const orderConfirmationFlow: Flow = {
  name: ORDER_CONFIRMATION,
  holdoutPercent: (shop) => shop.settings.flows.orderConfirmation.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.orderConfirmation;
    const paidAt = input.order.milestones.paid;
    const m = input.order.milestones;
    const create =
      s.enabled &&
      s.confirmation.enabled &&
      paidAt &&
      !m.shipped &&
      !isClosed(input.order) &&
      !has(input.followUps, ORDER_CONFIRMATION, 'confirmation')
        ? [
            newFollowUp(input, {
              flow: ORDER_CONFIRMATION,
              step: 'confirmation',
              category: 'transactional',
              dueAt: plus(paidAt, s.confirmation.delay),
            }),
          ]
        : [];
    return { create, cancel: [] };
  },
  recheck(input) {
    const s = input.shop.settings.flows.orderConfirmation;
    if (!s.enabled || !s.confirmation.enabled) return off('order confirmation');
    if (input.order.milestones.shipped) {
      return { action: 'skip', reason: 'order already shipped: the shipping notice says more' };
    }
    return sendToCustomer(input);
  },
};
