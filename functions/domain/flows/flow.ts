import type { FireDecision, FollowUp, Plan } from '../follow-ups/follow-up.ts';
import type { CustomerHistory } from '../order/customer-history.ts';
import type { OrderState } from '../order/order-state.ts';
import type { Shop } from '../shop/shop-settings.ts';

/** Everything a flow may look at; all of it read fresh, so a re-check sees current state. */
export interface FlowInput {
  order: OrderState;
  followUps: FollowUp[];
  customer: CustomerHistory | undefined;
  shop: Shop;
  now: Date;
}

export interface Flow {
  readonly name: string;
  /** After an event was applied: follow-ups to create and pending ones to cancel. */
  plan(input: FlowInput): Plan;
  /** When a follow-up fires: send it, skip it, or move it. */
  recheck(input: FlowInput, followUp: FollowUp): FireDecision;
}
