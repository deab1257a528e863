import type { NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import { boughtSkuSince } from '../order/customer-history.ts';
import { placedAt } from '../order/order-state.ts';
import type { Flow } from './flow.ts';
import { has, newFollowUp, off, plus, sendToCustomer, slug } from './flow-steps.ts';

export const REPURCHASE_REMINDER = 'repurchase-reminder';

/** 复购: a consumable runs out `repurchaseDays` after delivery; remind a few days before. */
export const repurchaseReminderFlow: Flow = {
  readsCustomerHistory: true,
  name: REPURCHASE_REMINDER,
  holdoutPercent: (shop) => shop.settings.flows.repurchaseReminder.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.repurchaseReminder;
    const at = input.order.milestones.delivered;
    const create: NewFollowUp[] = [];
    if (!s.enabled || !at) return { create, cancel: [] };
    for (const item of input.order.data.items ?? []) {
      if (!item.repurchaseDays) continue;
      const step = slug(item.sku) || 'item';
      if (has(input.followUps, REPURCHASE_REMINDER, step) || create.some((f) => f.step === step))
        continue;
      const days = Math.max(0, item.repurchaseDays - s.daysBefore);
      create.push(
        newFollowUp(input, {
          flow: REPURCHASE_REMINDER,
          step,
          template: 'reminder',
          category: 'marketing',
          dueAt: plus(at, `P${days}D`),
          about: { sku: item.sku },
        }),
      );
    }
    return { create, cancel: [] };
  },
  recheck(input, followUp) {
    if (!input.shop.settings.flows.repurchaseReminder.enabled) return off('repurchase reminders');
    const sku = followUp.about?.sku;
    const placed = placedAt(input.order);
    if (sku && placed) {
      const again = boughtSkuSince(input.customer, sku, placed, input.order.orderId);
      if (again) {
        return { action: 'skip', reason: `customer ordered ${sku} again (order ${again.orderId})` };
      }
    }
    return sendToCustomer(input);
  },
};
