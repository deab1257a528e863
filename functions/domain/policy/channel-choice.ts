import type { Channel } from '../follow-ups/follow-up.ts';
import type { CustomerHistory } from '../order/customer-history.ts';
import { hasPaidEarlierOrder } from '../order/customer-history.ts';
import type { OrderState } from '../order/order-state.ts';
import type { PaymentReminderSettings } from '../shop/shop-settings.ts';
import { compareDecimal } from './decimal.ts';

export type ChannelChoice = { channel: Channel; why: string } | { channel: undefined; why: string };

/**
 * Payment chasing by value: staff phone large orders and returning customers (a call task);
 * everyone else gets SMS when there is a phone number, else email.
 */
export const chooseReminderChannel = (
  order: OrderState,
  customer: CustomerHistory | undefined,
  settings: PaymentReminderSettings,
): ChannelChoice => {
  const total = order.data.total;
  if (total !== undefined && compareDecimal(total, settings.highValueThreshold) >= 0) {
    return {
      channel: 'call',
      why: `order total ${total} is at or above ${settings.highValueThreshold}`,
    };
  }
  if (settings.callReturningCustomers && hasPaidEarlierOrder(customer, order.orderId)) {
    return { channel: 'call', why: 'returning customer who paid an earlier order' };
  }
  const c = order.data.customer;
  if (c?.phone && !c.protectedContact)
    return { channel: 'sms', why: 'customer has a phone number' };
  if (c?.email)
    return { channel: 'email', why: 'customer has an email address and no phone number' };
  if (c?.protectedContact) {
    return {
      channel: 'sms',
      why: `the buyer's phone is protected by ${c.protectedContact.platform}`,
    };
  }
  return { channel: undefined, why: 'no phone number or email address for the customer' };
};
