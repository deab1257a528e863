import type { Plan } from '../follow-ups/follow-up.ts';
import type { Flow } from './flow.ts';
import { has, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const SATISFACTION_SURVEY = 'satisfaction-survey';

/** 回访: how was it? 15 days after delivery. */
export const satisfactionSurveyFlow: Flow = {
  name: SATISFACTION_SURVEY,
  holdoutPercent: (shop) => shop.settings.flows.satisfactionSurvey.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.satisfactionSurvey;
    const at = input.order.milestones.delivered;
    const create =
      s.enabled && at && !has(input.followUps, SATISFACTION_SURVEY, 'survey')
        ? [
            newFollowUp(input, {
              flow: SATISFACTION_SURVEY,
              step: 'survey',
              category: 'marketing',
              dueAt: plus(at, s.after),
            }),
          ]
        : [];
    return { create, cancel: [] };
  },
  recheck(input) {
    if (!input.shop.settings.flows.satisfactionSurvey.enabled) return off('satisfaction surveys');
    return sendToCustomer(input);
  },
};
