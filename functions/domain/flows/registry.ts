import { emptyPlan, type FollowUp, type Plan } from '../follow-ups/follow-up.ts';
import type { Flow, FlowInput } from './flow.ts';
import { paymentReminderFlow } from './payment-reminder.ts';

/** Every flow the engine runs. A new flow is a new file in this folder and one line here. */
export const FLOWS: readonly Flow[] = [paymentReminderFlow];

export const flowNamed = (name: string): Flow | undefined => FLOWS.find((f) => f.name === name);

/** What all flows want after an event: never creates a key that exists, never cancels twice. */
export const planFollowUps = (input: FlowInput): Plan => {
  const plan = emptyPlan();
  const existing = new Set(input.followUps.map((f: FollowUp) => `${f.flow}#${f.step}`));
  for (const flow of FLOWS) {
    const p = flow.plan(input);
    plan.create.push(...p.create.filter((f) => !existing.has(`${f.flow}#${f.step}`)));
    plan.cancel.push(...p.cancel);
  }
  return plan;
};
