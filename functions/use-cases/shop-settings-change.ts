import type { Clock } from '../domain/clock.ts';
import { FollowUpError } from '../domain/errors.ts';
import type { ShopSettings } from '../domain/shop/shop-settings.ts';
import type { TableRef } from '../store/dynamo.ts';
import {
  getShopSettingsItem,
  type SettingsChange,
  updateShopSettings,
} from '../store/shop-settings-store.ts';
import type { ShopRecord } from '../store/shop-store.ts';

export interface ShopSettingsView {
  shop: { id: string; name: string; timeZone: string; defaultLocale: string };
  settings: ShopSettings;
  /** The last change made through the API; absent for settings set by create-shop only. */
  lastChange?: SettingsChange;
}

const view = (record: ShopRecord, settings: ShopSettings, lastChange?: SettingsChange) => ({
  shop: {
    id: record.shop.id,
    name: record.shop.name,
    timeZone: record.shop.timeZone,
    defaultLocale: record.shop.defaultLocale,
  },
  settings,
  ...(lastChange ? { lastChange } : {}),
});

/**
 * The shop's settings with every default filled in, read from the table rather than the shop
 * cache, so a page reloaded right after a save shows what was saved.
 */
export const getShopSettings = async (
  t: TableRef,
  record: ShopRecord,
): Promise<ShopSettingsView> => {
  const stored = await getShopSettingsItem(t, record.shop.id);
  return view(record, stored?.settings ?? record.shop.settings, stored?.lastChange);
};

/** The version an editor saw: the last change's time, or "none" before any change. */
export const settingsVersion = (lastChange: SettingsChange | undefined): string =>
  lastChange?.changedAt ?? 'none';

/**
 * Stores settings already validated by the same schema `create-shop --settings` uses, with who
 * and when on the shop item. Given the version the editor loaded (`If-Match`), two people saving
 * at once cannot silently undo each other: the later one is told. Lambda containers see new
 * settings once their shop cache expires (60 s).
 */
export const saveShopSettings = async (
  deps: { table: TableRef; clock: Clock },
  record: ShopRecord,
  settings: ShopSettings,
  changedBy: string,
  ifMatch?: string,
): Promise<ShopSettingsView & { lastChange: SettingsChange }> => {
  const lastChange = { changedBy, changedAt: deps.clock.now().toISOString() };
  const expected = ifMatch === undefined ? undefined : ifMatch === 'none' ? null : ifMatch;
  if (!(await updateShopSettings(deps.table, record.shop.id, settings, lastChange, expected))) {
    const now = await getShopSettingsItem(deps.table, record.shop.id);
    const by = now?.lastChange;
    throw new FollowUpError(
      'conflict',
      by
        ? `the settings were saved by ${by.changedBy} at ${by.changedAt} after you loaded them; load them again`
        : 'the settings changed after you loaded them; load them again',
    );
  }
  return { ...view(record, settings), lastChange };
};
