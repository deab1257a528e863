import type { Channel } from '../domain/follow-ups/follow-up.ts';
import type { SmsProvider } from '../domain/shop/shop-settings.ts';
import type { ShopRecord, StaffWebhook } from '../store/shop-store.ts';
import type { ChannelTransport } from './channel.ts';

/** The ways out that a deployment has: customer providers, and the shop's staff webhook. */
export interface Transports {
  sms: ChannelTransport;
  email: ChannelTransport;
  staffWebhook: (endpoint: StaffWebhook) => ChannelTransport;
  /** Where staff channels go when a shop has no webhook: the outbox locally, nothing in AWS. */
  staffFallback?: ChannelTransport;
  /** A shop's own Aliyun or Tencent account; undefined when the shop has no credentials for it. */
  smsProvider?: (
    shop: ShopRecord,
    provider: Exclude<SmsProvider, 'aws'>,
  ) => ChannelTransport | undefined;
}

/**
 * E.164 calling codes of the regions a shop may route apart (ITU-T E.164 assignments; each code
 * is one region's alone). Phones are E.164 from intake on; no phone-metadata library (~90 KB) needed.
 */
const REGION_CODES = [
  ['+852', 'HK'],
  ['+853', 'MO'],
  ['+886', 'TW'],
  ['+86', 'CN'],
] as const;

/** The provider for a number: its region's entry in `sms.providers`, else "*", else AWS. */
export const smsProviderFor = (shop: ShopRecord, phone: string): SmsProvider => {
  const providers = shop.shop.settings.sms.providers;
  const region = REGION_CODES.find(([code]) => phone.startsWith(code))?.[1];
  return (region ? providers[region] : undefined) ?? providers['*'] ?? 'aws';
};

export type Route =
  | {
      transport: ChannelTransport;
      to: string;
      /** A provider that sends only templates it approved: the message needs its template code. */
      provider?: Exclude<SmsProvider, 'aws'>;
    }
  | { error: string };

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
    if (!customer?.phone) return { error: 'the customer has no phone number' };
    const provider = smsProviderFor(shop, customer.phone);
    if (provider === 'aws') return { transport: transports.sms, to: customer.phone };
    const transport = transports.smsProvider?.(shop, provider);
    return transport
      ? { transport, to: customer.phone, provider }
      : {
          error: `the shop sends this number's texts through ${provider} but has no ${provider} SMS account configured`,
        };
  }
  return customer?.email
    ? { transport: transports.email, to: customer.email }
    : { error: 'the customer has no email address' };
};
