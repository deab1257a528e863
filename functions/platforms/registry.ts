import type { PlatformAdapter, PlatformName } from './platform.ts';
import { shopifyAdapter } from './shopify/adapter.ts';

/** Every platform whose webhooks the endpoint takes. A new platform is its folder and one line here. */
export const PLATFORM_ADAPTERS: Partial<Record<PlatformName, PlatformAdapter>> = {
  shopify: shopifyAdapter,
};

export const adapterFor = (platform: string): PlatformAdapter | undefined =>
  Object.hasOwn(PLATFORM_ADAPTERS, platform)
    ? PLATFORM_ADAPTERS[platform as PlatformName]
    : undefined;
