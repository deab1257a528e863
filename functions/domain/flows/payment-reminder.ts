import { DateTime, Duration } from 'luxon';
import type { FireDecision, FollowUp, NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import { isPending } from '../follow-ups/follow-up.ts';
import { type CustomerHistory, habitualOrderHour } from '../order/customer-history.ts';
import { isClosed, isPaid, type OrderState, placedAt } from '../order/order-state.ts';
import { chooseReminderChannel } from '../policy/channel-choice.ts';
import { isQuiet, nextAllowed } from '../policy/quiet-hours.ts';
import type { Shop } from '../shop/shop-settings.ts';
import type { Flow, FlowInput } from './flow.ts';
import { closedReason } from './flow-steps.ts';

export const PAYMENT_REMINDER = 'payment-reminder';
export const SWEEP_STEP_PREFIX = 'sweep-';

const plus = (iso: string | Date, duration: string): Date =>
  DateTime.fromJSDate(new Date(iso)).plus(Duration.fromISO(duration)).toJSDate();
const minus = (iso: string | Date, duration: string): Date =>
  DateTime.fromJSDate(new Date(iso)).minus(Duration.fromISO(duration)).toJSDate();

/** The customer's own time zone when known, else the shop's. */
export const customerTimeZone = (order: OrderState, shop: Shop): string =>
  order.data.customer?.timeZone ?? shop.timeZone;

const windowText = (shop: Shop): string =>
  `${shop.settings.paymentReminder.quietHours.start}–${shop.settings.paymentReminder.quietHours.end}`;

const remindersOf = (followUps: FollowUp[]): FollowUp[] =>
  followUps.filter((f) => f.flow === PAYMENT_REMINDER);

/** Where a reminder due at `nominal` lands after quiet hours, or why it cannot be sent at all. */
const placeReminder = (
  input: FlowInput,
  nominal: Date,
): { dueAt: Date; reason?: string; skip?: string } => {
  const { order, shop } = input;
  const s = shop.settings.paymentReminder;
  const tz = customerTimeZone(order, shop);
  const dueAt = nextAllowed(nominal, s.quietHours, tz);
  const payBy = order.data.payBy ? new Date(order.data.payBy) : undefined;
  if (payBy && dueAt >= payBy) {
    return {
      dueAt,
      skip:
        dueAt > nominal
          ? `quiet hours (${windowText(shop)}) last past the payment deadline ${payBy.toISOString()}`
          : `payment deadline ${payBy.toISOString()} passes before the reminder is due`,
    };
  }
  return dueAt > nominal
    ? { dueAt, reason: `moved out of quiet hours (${windowText(shop)}, ${tz})` }
    : { dueAt };
};

const newReminder = (
  input: FlowInput,
  step: string,
  template: string,
  nominal: Date,
): NewFollowUp => {
  const { order, shop, now } = input;
  const placed = placeReminder(input, nominal);
  const choice = chooseReminderChannel(order, input.customer, shop.settings.paymentReminder);
  const base = {
    shopId: order.shopId,
    orderId: order.orderId,
    flow: PAYMENT_REMINDER,
    step,
    template,
    channel: choice.channel ?? 'sms',
    category: 'transactional' as const,
    dueAt: placed.dueAt.toISOString(),
    createdAt: now.toISOString(),
  };
  if (placed.skip) return { ...base, status: 'skipped', reason: placed.skip };
  return { ...base, status: 'scheduled', ...(placed.reason ? { reason: placed.reason } : {}) };
};

const plan = (input: FlowInput): Plan => {
  const { order, shop } = input;
  const s = shop.settings.paymentReminder;
  const mine = remindersOf(input.followUps);
  if (isPaid(order) || isClosed(order)) {
    const reason = closedReason(order);
    return {
      create: [],
      cancel: mine.filter(isPending).map((f) => ({ flow: f.flow, step: f.step, reason })),
    };
  }
  const placed = placedAt(order);
  if (!s.enabled || !placed) return { create: [], cancel: [] };

  const create: NewFollowUp[] = [];
  const existingFirst = mine.find((f) => f.step === 'first');
  const first = existingFirst ?? newReminder(input, 'first', 'first', plus(placed, s.firstAfter));
  if (!existingFirst) create.push(first);

  // The before-close reminder is planned once the first is settled: most orders are paid before
  // that, and then there is nothing to cancel.
  const payBy = order.data.payBy;
  if (payBy && !isPending(first) && !mine.some((f) => f.step === 'before-close')) {
    const nominal = minus(payBy, s.beforeClose);
    if (nominal >= plus(first.dueAt, s.minGapAfterFirst)) {
      create.push(newReminder(input, 'before-close', 'before-close', nominal));
    }
  }
  return { create, cancel: [] };
};

const recheck = (input: FlowInput, followUp: FollowUp): FireDecision => {
  const { order, shop, now } = input;
  const s = shop.settings.paymentReminder;
  if (isPaid(order) || isClosed(order)) return { action: 'skip', reason: closedReason(order) };
  if (!s.enabled)
    return { action: 'skip', reason: 'payment reminders are switched off for this shop' };
  const sent = remindersOf(input.followUps).filter((f) => f.status === 'sent');
  if (sent.length >= s.maxReminders) {
    return {
      action: 'skip',
      reason: `reminder budget used: ${sent.length} of ${s.maxReminders} already sent`,
    };
  }
  const payBy = order.data.payBy ? new Date(order.data.payBy) : undefined;
  if (payBy && now >= payBy) {
    return { action: 'skip', reason: `payment deadline ${payBy.toISOString()} has passed` };
  }
  if (followUp.step.startsWith(SWEEP_STEP_PREFIX)) {
    const recent = sent.find((f) => f.sentAt && now < plus(f.sentAt, s.sweep.notRemindedWithin));
    if (recent) {
      return {
        action: 'skip',
        reason: `already reminded at ${recent.sentAt} (within ${Duration.fromISO(s.sweep.notRemindedWithin).toHuman()})`,
      };
    }
  }
  const tz = customerTimeZone(order, shop);
  if (isQuiet(now, s.quietHours, tz)) {
    const placed = placeReminder(input, now);
    if (placed.skip) return { action: 'skip', reason: placed.skip };
    return { action: 'reschedule', dueAt: placed.dueAt.toISOString(), reason: placed.reason ?? '' };
  }
  const choice = chooseReminderChannel(order, input.customer, s);
  if (!choice.channel) return { action: 'skip', reason: choice.why };
  return { action: 'send', channel: choice.channel };
};

export const paymentReminderFlow: Flow = {
  readsCustomerHistory: true,
  chained: { 'before-close': 'first' },
  name: PAYMENT_REMINDER,
  holdoutPercent: (shop) => shop.settings.paymentReminder.holdoutPercent,
  plan,
  recheck,
};

/** The daily sweep's step name: one per shop-local calendar day, so a sweep can never chase twice a day. */
export const sweepStep = (at: Date, shopTimeZone: string): string =>
  `${SWEEP_STEP_PREFIX}${DateTime.fromJSDate(at, { zone: shopTimeZone }).toISODate()}`;

export interface SweepCandidate {
  order: OrderState;
  followUps: FollowUp[];
  customer: CustomerHistory | undefined;
}

export type SweepDecision =
  | { orderId: string; chase: true; followUp: NewFollowUp }
  | { orderId: string; chase: false; reason: string };

/** Hour clamp: a habitual hour inside quiet hours moves to the nearest allowed hour. */
const allowedHour = (hour: number, shop: Shop): number => {
  const q = shop.settings.paymentReminder.quietHours;
  const start = Number(q.start.slice(0, 2));
  const end = Number(q.end.slice(0, 2));
  const quiet = start < end ? hour >= start && hour < end : hour >= start || hour < end;
  if (!quiet) return hour;
  const toEnd = (end - hour + 24) % 24;
  const sinceStart = (hour - (start - 1) + 24) % 24;
  return toEnd <= sinceStart ? end : (start - 1 + 24) % 24;
};

/**
 * The daily sweep (催付 sweep) over still-unpaid orders: who is chased and when, and who is left
 * out and why. Pure, so the preview endpoint can show the same answer before the sweep runs.
 */
export const decideSweep = (shop: Shop, now: Date, candidate: SweepCandidate): SweepDecision => {
  const { order } = candidate;
  const s = shop.settings.paymentReminder;
  const orderId = order.orderId;
  if (isPaid(order) || isClosed(order))
    return { orderId, chase: false, reason: closedReason(order) };
  const placed = placedAt(order);
  if (!placed) return { orderId, chase: false, reason: 'order creation time unknown' };
  if (now < plus(placed, s.sweep.minOrderAge)) {
    return {
      orderId,
      chase: false,
      reason: `placed less than ${Duration.fromISO(s.sweep.minOrderAge).toHuman()} ago`,
    };
  }
  const step = sweepStep(now, shop.timeZone);
  const input: FlowInput = { ...candidate, shop, now };
  if (remindersOf(candidate.followUps).some((f) => f.step === step)) {
    return { orderId, chase: false, reason: 'already in today’s sweep' };
  }
  const verdict = recheck(input, { step } as FollowUp);
  if (verdict.action === 'skip') return { orderId, chase: false, reason: verdict.reason };

  const tz = customerTimeZone(order, shop);
  const habitual = habitualOrderHour(
    candidate.customer,
    orderId,
    tz,
    s.sweep.habitualHourMinOrders,
  );
  let due = now;
  if (habitual !== undefined) {
    const local = DateTime.fromJSDate(now, { zone: tz });
    let at = local.set({ hour: allowedHour(habitual, shop), minute: 0, second: 0, millisecond: 0 });
    if (at < local) at = at.plus({ days: 1 });
    due = at.toJSDate();
  }
  const followUp = newReminder(input, step, 'sweep', due);
  if (habitual !== undefined && followUp.status === 'scheduled') {
    followUp.reason = `chased at ${String(habitual).padStart(2, '0')}:00, the hour this customer usually orders`;
  }
  return followUp.status === 'skipped'
    ? { orderId, chase: false, reason: followUp.reason ?? 'skipped' }
    : { orderId, chase: true, followUp };
};
