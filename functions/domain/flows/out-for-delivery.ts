import type { Plan } from '../follow-ups/follow-up.ts';
import type { Flow } from './flow.ts';
import { has, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const OUT_FOR_DELIVERY = 'out-for-delivery';

/** 签收提醒: "arrives today, please be available to sign". Stale after a day: it would mislead. */
export const outForDeliveryFlow: Flow = {
  name: OUT_FOR_DELIVERY,
  keepWhenClosed: true,
  holdoutPercent: (shop) => shop.settings.flows.outForDelivery.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.outForDelivery;
    const at = input.order.milestones.out_for_delivery;
    const create =
      s.enabled &&
      s.arriving.enabled &&
      at &&
      !input.order.milestones.delivered &&
      !has(input.followUps, OUT_FOR_DELIVERY, 'arriving')
        ? [
            newFollowUp(input, {
              flow: OUT_FOR_DELIVERY,
              step: 'arriving',
              category: 'transactional',
              dueAt: plus(at, s.arriving.delay),
            }),
          ]
        : [];
    return { create, cancel: [] };
  },
  recheck(input) {
    const s = input.shop.settings.flows.outForDelivery;
    if (!s.enabled || !s.arriving.enabled) return off('out-for-delivery notices');
    const m = input.order.milestones;
    if (m.delivered) return { action: 'skip', reason: 'parcel already delivered' };
    if (m.out_for_delivery && input.now > plus(m.out_for_delivery, 'PT20H')) {
      return {
        action: 'skip',
        reason: `out for delivery since ${m.out_for_delivery}: no longer "today"`,
      };
    }
    return sendToCustomer(input);
  },
};
