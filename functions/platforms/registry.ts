import { douyinAdapter } from './douyin/adapter.ts';
import type { PlatformAdapter, PlatformName } from './platform.ts';
import { shopifyAdapter } from './shopify/adapter.ts';
import { wooCommerceAdapter } from './woocommerce/adapter.ts';
import { youzanAdapter } from './youzan/adapter.ts';

/** Every platform whose webhooks the endpoint takes. A new platform is its folder and one line here. */
export const PLATFORM_ADAPTERS: Record<PlatformName, PlatformAdapter> = {
  shopify: shopifyAdapter,
  woocommerce: wooCommerceAdapter,
  youzan: youzanAdapter,
  douyin: douyinAdapter,
};

export const adapterFor = (platform: string): PlatformAdapter | undefined =>
  Object.hasOwn(PLATFORM_ADAPTERS, platform)
    ? PLATFORM_ADAPTERS[platform as PlatformName]
    : undefined;
