import type { FollowUp } from '../follow-ups/follow-up.ts';
import { reasonKey, reportStep } from './reason-key.ts';

/**
 * What the flow report counts, derived from how one follow-up changed: planned (scheduled or
 * planned already skipped), then one outcome (sent, skipped by reason, failed, cancelled by
 * reason). Moves, leases, claims and retries change no counter. A step planned on its order is
 * counted from the order's images; the item it gets when it fires only counts its outcome.
 */
export type FollowUpImage = Pick<
  FollowUp,
  'shopId' | 'orderId' | 'flow' | 'step' | 'status' | 'reason' | 'createdAt' | 'updatedAt'
> & {
  /** An item written when a step planned on its order fired: counted when it was planned. */
  fromPlan?: boolean;
};

export interface CounterIncrement {
  shopId: string;
  /** UTC day of the change. */
  day: string;
  flow: string;
  /** The step as reports group it (dated sweep steps count under `sweep`). */
  step: string;
  counter: string;
}

/** An order counted once under a payment-reminder kind: distinct orders, not messages. */
export interface OrderMark {
  shopId: string;
  orderId: string;
  kind: 'reminded' | 'holdout';
  at: string;
}

export interface CounterChanges {
  increments: CounterIncrement[];
  marks: OrderMark[];
}

export const PAYMENT_REMINDER = 'payment-reminder';

export const isHoldout = (reason: string | undefined): boolean =>
  reason?.toLowerCase().startsWith('holdout') ?? false;

/** The UTC calendar day of an instant: the report's day. */
export const dayOf = (at: string): string => new Date(at).toISOString().slice(0, 10);

const OUTCOMES = new Set(['sent', 'skipped', 'failed', 'cancelled']);

const counterFor = (f: FollowUpImage): string =>
  f.status === 'skipped' || f.status === 'cancelled'
    ? `${f.status}:${reasonKey(f.reason)}`
    : f.status === 'queued'
      ? 'scheduled'
      : f.status;

export const countersForChange = (
  before: FollowUpImage | undefined,
  after: FollowUpImage | undefined,
): CounterChanges => {
  const none: CounterChanges = { increments: [], marks: [] };
  if (!after) return none;
  const created = before === undefined;
  if (created && after.fromPlan === true) return none;
  if (!created && (before.status === after.status || !OUTCOMES.has(after.status))) return none;
  const at = created ? after.createdAt : after.updatedAt;
  const increments: CounterIncrement[] = [
    {
      shopId: after.shopId,
      day: dayOf(at),
      flow: after.flow,
      step: reportStep(after.step),
      counter: counterFor(after),
    },
  ];
  const marks: OrderMark[] = [];
  if (after.flow === PAYMENT_REMINDER) {
    const mark = (kind: OrderMark['kind']) =>
      marks.push({ shopId: after.shopId, orderId: after.orderId, kind, at });
    if (after.status === 'sent') mark('reminded');
    if (after.status === 'skipped' && isHoldout(after.reason)) mark('holdout');
  }
  return { increments, marks };
};
