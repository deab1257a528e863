import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ShopSettings, shopSettingsSchema } from '../domain/shop/shop-settings.ts';
import { isConditionFailed, type TableRef } from './dynamo.ts';
import { shopKey } from './table.ts';

/**
 * A shop's settings as the console and the operations API change them: on the shop item (see
 * shop-store.ts), with who changed them last and when.
 */
/** Who last changed a shop's settings through the operations API or the console, and when. */
export interface SettingsChange {
  changedBy: string;
  changedAt: string;
}

/** The settings as stored now (not as a cached shop read has them) and their last change. */
export const getShopSettingsItem = async (
  t: TableRef,
  shopId: string,
): Promise<{ settings: ShopSettings; lastChange?: SettingsChange } | undefined> => {
  const out = await t.doc.send(
    new GetCommand({
      TableName: t.tableName,
      Key: shopKey(shopId),
      ProjectionExpression: '#shop.#settings, settingsChange',
      ExpressionAttributeNames: { '#shop': 'shop', '#settings': 'settings' },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return undefined;
  const lastChange = out.Item.settingsChange as SettingsChange | undefined;
  return {
    settings: shopSettingsSchema.parse(out.Item.shop?.settings ?? {}),
    ...(lastChange ? { lastChange } : {}),
  };
};

/**
 * Replaces only the settings (secrets and tokens untouched) of a shop that exists. With
 * `expectedChangedAt` (the last change the editor saw, or null for none) it writes only if
 * nobody saved in between, and answers false otherwise.
 */
export const updateShopSettings = async (
  t: TableRef,
  shopId: string,
  settings: ShopSettings,
  change: SettingsChange,
  expectedChangedAt?: string | null,
): Promise<boolean> => {
  const guard =
    expectedChangedAt === undefined
      ? ''
      : expectedChangedAt === null
        ? ' AND attribute_not_exists(settingsChange)'
        : ' AND settingsChange.changedAt = :expected';
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: shopKey(shopId),
        UpdateExpression: 'SET #shop.#settings = :settings, settingsChange = :change',
        ConditionExpression: `attribute_exists(pk)${guard}`,
        ExpressionAttributeNames: { '#shop': 'shop', '#settings': 'settings' },
        ExpressionAttributeValues: {
          ':settings': settings,
          ':change': change,
          ...(typeof expectedChangedAt === 'string' ? { ':expected': expectedChangedAt } : {}),
        },
      }),
    );
    return true;
  } catch (err) {
    if (expectedChangedAt !== undefined && isConditionFailed(err)) return false;
    throw err;
  }
};
