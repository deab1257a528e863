import type { Flow } from './flow.ts';
import { off, oneMarketingStep, sendToCustomer } from './flow-steps.ts';

export const SATISFACTION_SURVEY = 'satisfaction-survey';

/** 回访: how was it? 15 days after delivery. */
export const satisfactionSurveyFlow: Flow = {
  name: SATISFACTION_SURVEY,
  holdoutPercent: (shop) => shop.settings.flows.satisfactionSurvey.holdoutPercent,
  plan(input) {
    const s = input.shop.settings.flows.satisfactionSurvey;
    return oneMarketingStep(input, {
      flow: SATISFACTION_SURVEY,
      step: 'survey',
      enabled: s.enabled,
      from: input.order.milestones.delivered,
      after: s.after,
    });
  },
  recheck(input) {
    if (!input.shop.settings.flows.satisfactionSurvey.enabled) return off('satisfaction surveys');
    return sendToCustomer(input);
  },
};
