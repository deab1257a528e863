import type { Plan } from '../follow-ups/follow-up.ts';
import { isClosed, isPaid, type OrderState, placedAt } from '../order/order-state.ts';
import type { Flow } from './flow.ts';
import { cancelPending, has, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const ABANDONED_CHECKOUT = 'abandoned-checkout';

/** A checkout the customer left unpaid, not an order: the only thing this flow runs on. */
export const isCheckout = (order: OrderState): boolean => order.data.checkout !== undefined;

const COMPLETED = 'checkout completed: an order was placed from it';

/**
 * 催付 where payment happens at checkout (Shopify): one marketing reminder with the checkout's
 * own recovery link, so consent, caps and marketing hours apply; the order placed from the
 * checkout closes it and cancels the reminder.
 */
export const abandonedCheckoutFlow: Flow = {
  name: ABANDONED_CHECKOUT,
  holdoutPercent: (shop) => shop.settings.flows.abandonedCheckout.holdoutPercent,
  plan(input): Plan {
    const { order } = input;
    if (!isCheckout(order)) return { create: [], cancel: [] };
    if (isClosed(order) || isPaid(order)) {
      return { create: [], cancel: cancelPending(input.followUps, ABANDONED_CHECKOUT, COMPLETED) };
    }
    const s = input.shop.settings.flows.abandonedCheckout;
    const started = placedAt(order);
    if (!s.enabled || !started || has(input.followUps, ABANDONED_CHECKOUT, 'reminder')) {
      return { create: [], cancel: [] };
    }
    return {
      create: [
        newFollowUp(input, {
          flow: ABANDONED_CHECKOUT,
          step: 'reminder',
          category: 'marketing',
          dueAt: plus(started, s.after),
        }),
      ],
      cancel: [],
    };
  },
  recheck(input) {
    const { order } = input;
    if (isClosed(order) || isPaid(order)) return { action: 'skip', reason: COMPLETED };
    if (!input.shop.settings.flows.abandonedCheckout.enabled) {
      return off('abandoned checkout reminders');
    }
    return sendToCustomer(input);
  },
};
