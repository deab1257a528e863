import {
  emptyPlan,
  type FireDecision,
  type FollowUp,
  isPending,
  type NewFollowUp,
  type Plan,
} from '../follow-ups/follow-up.ts';
import { isClosed } from '../order/order-state.ts';
import { abandonedCheckoutFlow, isCheckout } from './abandoned-checkout.ts';
import { careTipsFlow } from './care-tips.ts';
import { deliveredFlow } from './delivered.ts';
import { deliveryExceptionFlow } from './delivery-exception.ts';
import type { Flow, FlowInput } from './flow.ts';
import { closedReason } from './flow-steps.ts';
import { greetingsFlow } from './greetings.ts';
import { orderConfirmationFlow } from './order-confirmation.ts';
import { outForDeliveryFlow } from './out-for-delivery.ts';
import { paymentReminderFlow } from './payment-reminder.ts';
import { repurchaseReminderFlow } from './repurchase-reminder.ts';
import { reviewRequestFlow } from './review-request.ts';
import { satisfactionSurveyFlow } from './satisfaction-survey.ts';
import { shipDeadlineFlow } from './ship-deadline.ts';
import { shippingNoticeFlow } from './shipping-notice.ts';
import { stalledParcelFlow } from './stalled-parcel.ts';
import { winBackFlow } from './win-back.ts';

/** Every flow the engine runs. A new flow is a new file in this folder and one line here. */
export const FLOWS: readonly Flow[] = [
  paymentReminderFlow,
  orderConfirmationFlow,
  shipDeadlineFlow,
  shippingNoticeFlow,
  outForDeliveryFlow,
  deliveredFlow,
  deliveryExceptionFlow,
  stalledParcelFlow,
  reviewRequestFlow,
  careTipsFlow,
  satisfactionSurveyFlow,
  repurchaseReminderFlow,
  winBackFlow,
  greetingsFlow,
  abandonedCheckoutFlow,
];

export const flowNamed = (name: string): Flow | undefined => FLOWS.find((f) => f.name === name);

/**
 * What all flows want after an event: never creates a key that exists, never cancels twice. A
 * refunded, cancelled or closed order keeps only what the customer must still be told.
 */
export const planFollowUps = (input: FlowInput): Plan => {
  const plan = emptyPlan();
  const existing = new Set(input.followUps.map((f: FollowUp) => `${f.flow}#${f.step}`));
  const closed = isClosed(input.order);
  const kept = (name: string) => !closed || flowNamed(name)?.keepWhenClosed === true;
  // A checkout is not an order: no confirmation, shipping or revisit belongs to it.
  const flows = isCheckout(input.order) ? [abandonedCheckoutFlow] : FLOWS;
  for (const flow of flows) {
    const p = flow.plan(input);
    plan.create.push(
      ...p.create.filter((f) => !existing.has(`${f.flow}#${f.step}`) && kept(f.flow)),
    );
    plan.cancel.push(...p.cancel);
    plan.move?.push(...(p.move ?? []));
  }
  if (closed) {
    const reason = closedReason(input.order);
    for (const f of input.followUps) {
      if (isPending(f) && !kept(f.flow)) plan.cancel.push({ flow: f.flow, step: f.step, reason });
    }
  }
  const seen = new Set<string>();
  plan.cancel = plan.cancel.filter((c) => {
    const key = `${c.flow}#${c.step}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return plan;
};

/**
 * The steps that follow `settled` (see Flow.chained), as the flow plans them now that it is
 * settled: `input.followUps` holds it as settled. Nothing else is planned here.
 */
export const planOnSettle = (flow: Flow, input: FlowInput, settled: string): NewFollowUp[] => {
  const chained = flow.chained ?? {};
  if (!Object.values(chained).includes(settled)) return [];
  if (isClosed(input.order) && !flow.keepWhenClosed) return [];
  const existing = new Set(input.followUps.map((f) => `${f.flow}#${f.step}`));
  return flow
    .plan(input)
    .create.filter(
      (f) =>
        f.flow === flow.name && chained[f.step] === settled && !existing.has(`${f.flow}#${f.step}`),
    );
};

/** A flow's re-check behind the engine-wide rule: closed orders send only what must be told. */
export const recheckFollowUp = (flow: Flow, input: FlowInput, followUp: FollowUp): FireDecision => {
  if (isClosed(input.order) && !flow.keepWhenClosed) {
    return { action: 'skip', reason: closedReason(input.order) };
  }
  return flow.recheck(input, followUp);
};
