import type { FireDecision, NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import { deliveryExceptionOpen, refundRequestOpen } from '../order/order-state.ts';
import { isWithin, nextWithin } from '../policy/contact-policy.ts';
import type { Flow, FlowInput } from './flow.ts';
import {
  cancelPending,
  earliest,
  has,
  newFollowUp,
  off,
  plus,
  sendToCustomer,
  stepOf,
} from './flow-steps.ts';
import { customerTimeZone } from './payment-reminder.ts';

export const REVIEW_REQUEST = 'review-request';

/** Why no review may be asked for now, if any: never while something is wrong with the order. */
const notNow = (input: FlowInput): string | undefined => {
  const { order } = input;
  if (order.milestones.reviewed) return 'customer already reviewed the order';
  if (order.milestones.refund_requested) return 'a refund was requested';
  if (refundRequestOpen(order)) return 'a refund request is open';
  if (deliveryExceptionOpen(order)) return 'a delivery exception is open';
  return undefined;
};

/**
 * 好评提醒: 7 days after delivered or completed (whichever first), inside the shop's review
 * hours; one reminder 5 days after the request went out (planned when it does). No incentive
 * tied to the rating.
 */
export const reviewRequestFlow: Flow = {
  name: REVIEW_REQUEST,
  chained: { reminder: 'request' },
  holdoutPercent: (shop) => shop.settings.flows.reviewRequest.holdoutPercent,
  plan(input): Plan {
    const { order, shop } = input;
    const s = shop.settings.flows.reviewRequest;
    const stop = notNow(input);
    if (stop) {
      return { create: [], cancel: cancelPending(input.followUps, REVIEW_REQUEST, stop) };
    }
    const arrived = earliest(order.milestones.delivered, order.milestones.completed);
    if (!s.enabled || !arrived) return { create: [], cancel: [] };
    const tz = customerTimeZone(order, shop);
    const create: NewFollowUp[] = [];
    const requestAt = nextWithin(plus(arrived, s.after), s.hours, tz);
    if (!has(input.followUps, REVIEW_REQUEST, 'request')) {
      create.push(
        newFollowUp(input, {
          flow: REVIEW_REQUEST,
          step: 'request',
          category: 'marketing',
          dueAt: requestAt,
        }),
      );
    }
    // The reminder is planned once the request went out: none is owed for a request never sent.
    const request = stepOf(input.followUps, REVIEW_REQUEST, 'request');
    if (
      s.reminder.enabled &&
      request?.status === 'sent' &&
      !has(input.followUps, REVIEW_REQUEST, 'reminder')
    ) {
      create.push(
        newFollowUp(input, {
          flow: REVIEW_REQUEST,
          step: 'reminder',
          category: 'marketing',
          dueAt: nextWithin(plus(request.sentAt ?? request.dueAt, s.reminder.after), s.hours, tz),
        }),
      );
    }
    return { create, cancel: [] };
  },
  recheck(input, followUp): FireDecision {
    const { order, shop, now } = input;
    const s = shop.settings.flows.reviewRequest;
    if (!s.enabled) return off('review requests');
    const stop = notNow(input);
    if (stop) return { action: 'skip', reason: stop };
    const tz = customerTimeZone(order, shop);
    if (followUp.step === 'reminder') {
      if (!s.reminder.enabled) return off('review reminders');
      const request = stepOf(input.followUps, REVIEW_REQUEST, 'request');
      if (
        !request ||
        request.status === 'skipped' ||
        request.status === 'cancelled' ||
        request.status === 'failed'
      ) {
        return { action: 'skip', reason: 'the review request was not sent' };
      }
      const after = plus(request.sentAt ?? request.dueAt, s.reminder.after);
      if (request.status !== 'sent' || now < after) {
        return {
          action: 'reschedule',
          dueAt: nextWithin(after < now ? plus(now, 'PT1H') : after, s.hours, tz).toISOString(),
          reason: `reminder waits ${s.reminder.after} after the request`,
        };
      }
    }
    if (!isWithin(now, s.hours, tz)) {
      return {
        action: 'reschedule',
        dueAt: nextWithin(now, s.hours, tz).toISOString(),
        reason: `review requests go out ${s.hours.start}–${s.hours.end} (${tz})`,
      };
    }
    return sendToCustomer(input);
  },
};
