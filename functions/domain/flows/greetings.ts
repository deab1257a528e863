import { DateTime } from 'luxon';
import { hasAnyMarketingConsent } from '../consent/contact-preference.ts';
import type { FireDecision, NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import { lastPaidOrder } from '../order/customer-history.ts';
import { type OrderState, placedAt } from '../order/order-state.ts';
import type { Shop } from '../shop/shop-settings.ts';
import type { Flow, FlowInput } from './flow.ts';
import { minus, newFollowUp, off, sendToCustomer, slug } from './flow-steps.ts';
import { customerTimeZone } from './payment-reminder.ts';

export const GREETINGS = 'greetings';

export interface Occasion {
  name: string;
  /** The calendar day this year's greeting is for, YYYY-MM-DD. */
  date: string;
}

/** The shop's calendar entries that fall on `date` (YYYY-MM-DD); "MM-DD" entries recur yearly. */
export const occasionsOn = (shop: Shop, date: string): Occasion[] =>
  shop.settings.flows.greetings.calendar
    .filter((o) => o.date === date || o.date === date.slice(5))
    .map((o) => ({ name: o.name, date }));

/** "Christmas" → "christmas-2027"; a name with no Latin letters (元旦) is named by its date: "01-01-2027". */
export const greetingStep = (o: Occasion): string =>
  `${slug(o.name) || o.date.slice(5)}-${o.date.slice(0, 4)}`;

/** When the greetings of one day are planned: the day before, at the shop-local `planAt`. */
export const greetingPlanInstants = (
  shop: Shop,
  from: Date,
  to: Date,
): { at: Date; occasions: Occasion[] }[] => {
  const s = shop.settings.flows.greetings;
  if (!s.enabled || s.calendar.length === 0) return [];
  const [hour = 12, minute = 0] = s.planAt.split(':').map(Number);
  const out: { at: Date; occasions: Occasion[] }[] = [];
  let day = DateTime.fromJSDate(from, { zone: shop.timeZone }).startOf('day');
  const end = DateTime.fromJSDate(to, { zone: shop.timeZone });
  for (; day <= end; day = day.plus({ days: 1 })) {
    const at = day.set({ hour, minute });
    if (at.toMillis() <= from.getTime() || at.toMillis() > to.getTime()) continue;
    const occasions = occasionsOn(shop, day.plus({ days: 1 }).toISODate() ?? '');
    if (occasions.length) out.push({ at: at.toJSDate(), occasions });
  }
  return out;
};

const recentEnough = (order: OrderState, shop: Shop, at: Date): string | undefined => {
  const placed = placedAt(order) ?? order.milestones.paid;
  const since = minus(at, shop.settings.flows.greetings.recentOrderWithin);
  if (!placed || new Date(placed) < since) {
    return `no order since ${since.toISOString()}`;
  }
  return undefined;
};

/**
 * One greeting for one customer, on their last paid order, at `at` customer-local on the day;
 * or why not. Consent is asked here and again when it fires.
 */
export const planGreeting = (
  input: FlowInput,
  occasion: Occasion,
): { followUp: NewFollowUp } | { skip: string } => {
  const { order, shop, now } = input;
  const s = shop.settings.flows.greetings;
  if (!hasAnyMarketingConsent(order.data.customer)) return { skip: 'no marketing consent' };
  const last = lastPaidOrder(input.customer);
  if (last && last.orderId !== order.orderId) return { skip: `greeted on order ${last.orderId}` };
  const [hour = 10, minute = 0] = s.at.split(':').map(Number);
  const tz = customerTimeZone(order, shop);
  const due = DateTime.fromISO(occasion.date, { zone: tz }).set({ hour, minute }).toJSDate();
  if (due <= now) return { skip: `${s.at} on ${occasion.date} has passed in ${tz}` };
  const stale = recentEnough(order, shop, due);
  if (stale) return { skip: stale };
  const step = greetingStep(occasion);
  if (input.followUps.some((f) => f.flow === GREETINGS && f.step === step)) {
    return { skip: 'already planned' };
  }
  return {
    followUp: newFollowUp(input, {
      flow: GREETINGS,
      step,
      template: 'greeting',
      category: 'marketing',
      dueAt: due,
      about: { occasion },
    }),
  };
};

/** Holiday greetings: planned by the daily job (use-cases/run-greetings.ts), not by order events. */
export const greetingsFlow: Flow = {
  readsCustomerHistory: true,
  name: GREETINGS,
  holdoutPercent: (shop) => shop.settings.flows.greetings.holdoutPercent,
  plan: (): Plan => ({ create: [], cancel: [] }),
  recheck(input, followUp): FireDecision {
    const { shop, now } = input;
    if (!shop.settings.flows.greetings.enabled) return off('greetings');
    const occasion = followUp.about?.occasion;
    if (!occasion || occasionsOn(shop, occasion.date).every((o) => o.name !== occasion.name)) {
      return { action: 'skip', reason: 'occasion no longer in the shop’s calendar' };
    }
    const greeted = (input.contacts ?? []).find(
      (e) => e.flow === GREETINGS && e.step === followUp.step,
    );
    if (greeted) return { action: 'skip', reason: `already greeted at ${greeted.at}` };
    const stale = recentEnough(input.order, shop, now);
    if (stale) return { action: 'skip', reason: stale };
    return sendToCustomer(input);
  },
};
