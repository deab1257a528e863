import type { Channel } from '../domain/follow-ups/follow-up.ts';
import type { ShopRecord, StaffWebhook } from '../store/shop-store.ts';
import type { ChannelTransport } from './channel.ts';

/** The ways out that a deployment has: customer providers, and the shop's staff webhook. */
export interface Transports {
  sms: ChannelTransport;
  email: ChannelTransport;
  staffWebhook: (endpoint: StaffWebhook) => ChannelTransport;
  /** Where staff channels go when a shop has no webhook: the outbox locally, nothing in AWS. */
  staffFallback?: ChannelTransport;
}

export type Route = { transport: ChannelTransport; to: string } | { error: string };

const isStaff = (channel: Channel): boolean => channel === 'call' || channel === 'webhook';

export const routeFor = (
  transports: Transports,
  channel: Channel,
  shop: ShopRecord,
  customer: { phone?: string; email?: string } | undefined,
): Route => {
  if (isStaff(channel)) {
    if (shop.staffWebhook) {
      return { transport: transports.staffWebhook(shop.staffWebhook), to: shop.staffWebhook.url };
    }
    if (transports.staffFallback) return { transport: transports.staffFallback, to: 'shop staff' };
    return { error: 'the shop has no staff webhook configured for call tasks and alerts' };
  }
  if (channel === 'sms') {
    return customer?.phone
      ? { transport: transports.sms, to: customer.phone }
      : { error: 'the customer has no phone number' };
  }
  return customer?.email
    ? { transport: transports.email, to: customer.email }
    : { error: 'the customer has no email address' };
};
