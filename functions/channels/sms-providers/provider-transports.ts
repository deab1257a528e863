import { createHash } from 'node:crypto';
import { onFirstUse } from '../../config/on-first-use.ts';
import type { SmsProvider } from '../../domain/shop/shop-settings.ts';
import type { ShopRecord } from '../../store/shop-store.ts';
import type { ChannelTransport } from '../channel.ts';
import { aliyunClientFor, createAliyunSmsTransport } from './aliyun.ts';
import {
  createAliyunTemplateReviews,
  createTencentTemplateReviews,
  type TemplateReviews,
} from './template-review.ts';
import { createTencentSmsTransport, tencentClientFor } from './tencent.ts';

/**
 * Each shop's Aliyun / Tencent transport, made once per container and account: the client (and
 * its SDK) is created on the first text, and a rotated key gets a fresh client.
 */
export const createProviderTransports = () => {
  const made = new Map<string, ChannelTransport>();
  const once = (account: object, make: () => ChannelTransport): ChannelTransport => {
    const key = createHash('sha256').update(JSON.stringify(account)).digest('hex');
    const known = made.get(key);
    if (known) return known;
    const transport = make();
    made.set(key, transport);
    return transport;
  };
  return (
    record: ShopRecord,
    provider: Exclude<SmsProvider, 'aws'>,
  ): ChannelTransport | undefined => {
    const aliyun = record.smsProviders?.aliyun;
    if (provider === 'aliyun' && aliyun) {
      return once({ shop: record.shop.id, aliyun }, () =>
        createAliyunSmsTransport(onFirstUse(aliyunClientFor(aliyun)), aliyun),
      );
    }
    const tencent = record.smsProviders?.tencent;
    if (provider === 'tencent' && tencent) {
      return once({ shop: record.shop.id, tencent }, () =>
        createTencentSmsTransport(onFirstUse(tencentClientFor(tencent)), tencent),
      );
    }
    return undefined;
  };
};

/** Each shop's template review API (Aliyun, Tencent), made on first use per account like the transports. */
export const createProviderTemplateReviews = () => {
  const made = new Map<string, TemplateReviews>();
  return (
    record: ShopRecord,
    provider: Exclude<SmsProvider, 'aws'>,
  ): TemplateReviews | undefined => {
    const account = record.smsProviders?.[provider];
    if (!account) return undefined;
    const key = createHash('sha256')
      .update(JSON.stringify({ shop: record.shop.id, provider, account }))
      .digest('hex');
    const known = made.get(key);
    if (known) return known;
    const aliyun = record.smsProviders?.aliyun;
    const tencent = record.smsProviders?.tencent;
    const reviews =
      provider === 'aliyun' && aliyun
        ? createAliyunTemplateReviews(onFirstUse(aliyunClientFor(aliyun)), aliyun)
        : provider === 'tencent' && tencent
          ? createTencentTemplateReviews(onFirstUse(tencentClientFor(tencent)))
          : undefined;
    if (reviews) made.set(key, reviews);
    return reviews;
  };
};
