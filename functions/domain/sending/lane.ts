import { ABANDONED_CHECKOUT } from '../flows/abandoned-checkout.ts';
import { CARE_TIPS } from '../flows/care-tips.ts';
import { GREETINGS } from '../flows/greetings.ts';
import { REPURCHASE_REMINDER } from '../flows/repurchase-reminder.ts';
import { REVIEW_REQUEST } from '../flows/review-request.ts';
import { SATISFACTION_SURVEY } from '../flows/satisfaction-survey.ts';
import { WIN_BACK } from '../flows/win-back.ts';
import type { Category } from '../follow-ups/follow-up.ts';

/**
 * Which send queue a follow-up travels on. Transactional and internal messages (payment
 * reminders, order, shipping and delivery notices, staff alerts) never queue behind marketing.
 */
export const LANES = ['transactional', 'marketing'] as const;
export type Lane = (typeof LANES)[number];

export const laneOfCategory = (category: Category): Lane =>
  category === 'marketing' ? 'marketing' : 'transactional';

// The dispatcher reads the keys-only due index, so it knows a follow-up's flow, not its category.
const MARKETING_FLOWS: ReadonlySet<string> = new Set([
  REVIEW_REQUEST,
  CARE_TIPS,
  SATISFACTION_SURVEY,
  REPURCHASE_REMINDER,
  WIN_BACK,
  GREETINGS,
  ABANDONED_CHECKOUT,
]);

/** An unknown flow goes on the transactional lane: the sender fails it at once, never late. */
export const laneOfFlow = (flow: string): Lane =>
  MARKETING_FLOWS.has(flow) ? 'marketing' : 'transactional';
