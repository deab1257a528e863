import type { NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import type { Flow } from './flow.ts';
import { has, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const DELIVERY_EXCEPTION = 'delivery-exception';

/** 物流异常: an apology and the next step to the customer, the exception code to staff. */
export const deliveryExceptionFlow: Flow = {
  name: DELIVERY_EXCEPTION,
  keepWhenClosed: true,
  holdoutPercent: (shop) => shop.settings.flows.deliveryException.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.deliveryException;
    const at = input.order.milestones.delivery_exception;
    const create: NewFollowUp[] = [];
    if (!s.enabled || !at) return { create, cancel: [] };
    if (s.apology.enabled && !has(input.followUps, DELIVERY_EXCEPTION, 'apology')) {
      create.push(
        newFollowUp(input, {
          flow: DELIVERY_EXCEPTION,
          step: 'apology',
          category: 'transactional',
          dueAt: plus(at, s.apology.delay),
        }),
      );
    }
    if (s.alert.enabled && !has(input.followUps, DELIVERY_EXCEPTION, 'alert')) {
      create.push(
        newFollowUp(input, {
          flow: DELIVERY_EXCEPTION,
          step: 'alert',
          category: 'internal',
          dueAt: plus(at, s.alert.delay),
        }),
      );
    }
    return { create, cancel: [] };
  },
  recheck(input, followUp) {
    const s = input.shop.settings.flows.deliveryException;
    if (followUp.step === 'alert') {
      if (!s.enabled || !s.alert.enabled) return off('delivery exception alerts');
      return { action: 'send', channel: 'webhook' };
    }
    if (!s.enabled || !s.apology.enabled) return off('delivery exception apologies');
    const m = input.order.milestones;
    if (m.delivered && m.delivery_exception && m.delivered > m.delivery_exception) {
      return { action: 'skip', reason: `resolved: delivered at ${m.delivered}` };
    }
    return sendToCustomer(input);
  },
};
