import { createHash } from 'node:crypto';
import { onFirstUse } from '../../config/on-first-use.ts';
import type { SmsProvider } from '../../domain/shop/shop-settings.ts';
import type { ShopRecord } from '../../store/shop-store.ts';
import type { ChannelTransport } from '../channel.ts';
import { lazyTransport } from '../lazy-transport.ts';

/**
 * Each shop's Aliyun / Tencent transport, made once per container and account: the transport's
 * code, the client and its SDK are loaded on the first text, and a rotated key gets a fresh client.
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
        lazyTransport(async () => {
          const { aliyunClientFor, createAliyunSmsTransport } = await import('./aliyun.ts');
          return createAliyunSmsTransport(onFirstUse(aliyunClientFor(aliyun)), aliyun);
        }),
      );
    }
    const tencent = record.smsProviders?.tencent;
    if (provider === 'tencent' && tencent) {
      return once({ shop: record.shop.id, tencent }, () =>
        lazyTransport(async () => {
          const { createTencentSmsTransport, tencentClientFor } = await import('./tencent.ts');
          return createTencentSmsTransport(onFirstUse(tencentClientFor(tencent)), tencent);
        }),
      );
    }
    return undefined;
  };
};
