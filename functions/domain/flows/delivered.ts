import type { Plan } from '../follow-ups/follow-up.ts';
import type { Flow } from './flow.ts';
import { has, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const DELIVERED = 'delivered';

/** 签收: the delivered notice; the template names the signer when it was not the customer. */
export const deliveredFlow: Flow = {
  name: DELIVERED,
  keepWhenClosed: true,
  holdoutPercent: (shop) => shop.settings.flows.delivered.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.delivered;
    const at = input.order.milestones.delivered;
    const create =
      s.enabled && s.delivered.enabled && at && !has(input.followUps, DELIVERED, 'delivered')
        ? [
            newFollowUp(input, {
              flow: DELIVERED,
              step: 'delivered',
              category: 'transactional',
              dueAt: plus(at, s.delivered.delay),
            }),
          ]
        : [];
    return { create, cancel: [] };
  },
  recheck(input) {
    const s = input.shop.settings.flows.delivered;
    if (!s.enabled || !s.delivered.enabled) return off('delivered notices');
    return sendToCustomer(input);
  },
};
