import type { PlatformAdapter, PlatformName } from './platform.ts';

/**
 * Every platform whose webhooks the endpoint takes. A new platform is its folder and one line here.
 * Each adapter is imported on its platform's first delivery, a chunk of its own in the bundle: a
 * container that hears only from Shopify never loads the phone metadata and HTML entity tables
 * the WooCommerce, Youzan and Douyin mappings carry.
 */
const PLATFORM_ADAPTERS: Record<PlatformName, () => Promise<PlatformAdapter>> = {
  shopify: async () => (await import('./shopify/adapter.ts')).shopifyAdapter,
  woocommerce: async () => (await import('./woocommerce/adapter.ts')).wooCommerceAdapter,
  youzan: async () => (await import('./youzan/adapter.ts')).youzanAdapter,
  douyin: async () => (await import('./douyin/adapter.ts')).douyinAdapter,
};

export const adapterFor = async (platform: string): Promise<PlatformAdapter | undefined> =>
  Object.hasOwn(PLATFORM_ADAPTERS, platform)
    ? PLATFORM_ADAPTERS[platform as PlatformName]()
    : undefined;
