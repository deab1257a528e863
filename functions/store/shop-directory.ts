import type { TableRef } from './dynamo.ts';
import { getShop, listShops, type ShopRecord } from './shop-store.ts';

/** How the use cases find shops; cached per Lambda container because every request needs one. */
export interface ShopDirectory {
  get(shopId: string): Promise<ShopRecord | undefined>;
  list(): Promise<ShopRecord[]>;
}

export const createShopDirectory = (t: TableRef, ttlMs = 60_000): ShopDirectory => {
  const cache = new Map<string, { at: number; record: ShopRecord | undefined }>();
  return {
    async get(shopId) {
      const hit = cache.get(shopId);
      if (hit && performance.now() - hit.at < ttlMs) return hit.record;
      const record = await getShop(t, shopId);
      if (ttlMs > 0) cache.set(shopId, { at: performance.now(), record });
      return record;
    },
    list: () => listShops(t),
  };
};
