import { GREETINGS } from '../flows/greetings.ts';
import { PAYMENT_REMINDER, SWEEP_STEP_PREFIX } from '../flows/payment-reminder.ts';
import type { FollowUpKey } from '../follow-ups/follow-up.ts';

/** A follow-up planned as part of a large batch: a payment sweep's reminder or a greeting. */
export const isBatchStep = (k: Pick<FollowUpKey, 'flow' | 'step'>): boolean =>
  k.flow === GREETINGS || (k.flow === PAYMENT_REMINDER && k.step.startsWith(SWEEP_STEP_PREFIX));

/**
 * The fair-queue group a follow-up travels in (SQS MessageGroupId): its shop, and a shop's batch
 * in a group of its own beside it. Fair queues rank groups, not messages: in one group per shop
 * the shop's own order notices would wait among its 20,000 sweep reminders; apart, the batch is
 * the noisy neighbour and the shop's notices are served like any other shop's.
 */
export const messageGroupOf = (k: Pick<FollowUpKey, 'shopId' | 'flow' | 'step'>): string =>
  isBatchStep(k) ? `${k.shopId}#batch` : k.shopId;
