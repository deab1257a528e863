import { Duration } from 'luxon';
import { newerOrder } from '../order/customer-history.ts';
import { placedAt } from '../order/order-state.ts';
import type { Flow } from './flow.ts';
import { minus, off, oneMarketingStep, sendToCustomer } from './flow-steps.ts';

export const WIN_BACK = 'win-back';

/**
 * After a long silence: 60 days after the customer's last paid order, if no newer order came and
 * no win-back reached them in the last 180 days (their contact log says).
 */
export const winBackFlow: Flow = {
  readsCustomerHistory: true,
  name: WIN_BACK,
  holdoutPercent: (shop) => shop.settings.flows.winBack.holdoutPercent,
  plan(input) {
    const s = input.shop.settings.flows.winBack;
    return oneMarketingStep(input, {
      flow: WIN_BACK,
      step: WIN_BACK,
      enabled: s.enabled,
      from: input.order.milestones.paid,
      after: s.after,
    });
  },
  recheck(input) {
    const s = input.shop.settings.flows.winBack;
    if (!s.enabled) return off('win-back');
    const placed = placedAt(input.order) ?? input.order.milestones.paid;
    const newer = placed ? newerOrder(input.customer, input.order.orderId, placed) : undefined;
    if (newer) return { action: 'skip', reason: `customer ordered again (order ${newer.orderId})` };
    const since = minus(input.now, s.atMostEvery);
    const earlier = (input.contacts ?? []).find(
      (e) => e.flow === WIN_BACK && new Date(e.at) > since,
    );
    if (earlier) {
      return {
        action: 'skip',
        reason: `a win-back already went out at ${earlier.at} (at most one per ${Duration.fromISO(s.atMostEvery).toHuman()})`,
      };
    }
    return sendToCustomer(input);
  },
};
