import type { Channel, FireDecision, FollowUp, Plan } from '../follow-ups/follow-up.ts';
import type { CustomerHistory } from '../order/customer-history.ts';
import type { OrderEvent } from '../order/order-event.ts';
import type { OrderState } from '../order/order-state.ts';
import type { ContactLogEntry } from '../policy/contact-log.ts';
import type { Shop } from '../shop/shop-settings.ts';

/** Everything a flow may look at; all of it read fresh, so a re-check sees current state. */
export interface FlowInput {
  order: OrderState;
  followUps: FollowUp[];
  customer: CustomerHistory | undefined;
  shop: Shop;
  now: Date;
  /** The event just applied, when planning after one (a partial shipment names its parcel). */
  event?: OrderEvent;
  /** The customer's contact log, when a follow-up fires ("already told?", win-back interval). */
  contacts?: ContactLogEntry[];
}

export interface Flow {
  readonly name: string;
  /**
   * Whether a pending follow-up survives a refund, cancellation or closing: only what the
   * customer must still be told (a parcel already on its way) does.
   */
  readonly keepWhenClosed?: boolean;
  /**
   * Whether its re-check looks at the customer's order history (returning customer, last paid
   * order, past purchases). A sender reads the history only for these flows.
   */
  readonly readsCustomerHistory?: boolean;
  /**
   * Steps planned only once the step they follow is settled (sent, skipped or failed), not when
   * the event comes, as step → the step it follows: the payment reminder's before-close, the
   * review reminder, the stalled-parcel apology. An event that ends the flow first (paid,
   * reviewed, delivered) then has nothing of them to cancel. The sender plans them as it settles
   * the step they follow; `plan` decides whether one is owed.
   */
  readonly chained?: Readonly<Record<string, string>>;
  /** Share of customers held out of this flow (recorded as skipped "holdout"). */
  holdoutPercent?(shop: Shop): number;
  /**
   * Which template a firing follow-up uses when that depends on what exists (care tips: the
   * product's own, else the shop's); undefined when there is none to send.
   */
  chooseTemplate?(
    input: FlowInput,
    followUp: FollowUp,
    has: (template: string, channel: Channel) => boolean,
  ): { template: string; sku?: string } | undefined;
  /** After an event was applied: follow-ups to create and pending ones to cancel. */
  plan(input: FlowInput): Plan;
  /** When a follow-up fires: send it, skip it, or move it. */
  recheck(input: FlowInput, followUp: FollowUp): FireDecision;
}
