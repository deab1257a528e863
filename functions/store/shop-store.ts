import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SmsProviderAccounts } from '../channels/sms-providers/provider-accounts.ts';
import { type Shop, shopSettingsSchema } from '../domain/shop/shop-settings.ts';
import { queryItems, type TableRef } from './dynamo.ts';
import { shopKey } from './table.ts';

/** Where staff alerts and call tasks go: the shop's own HTTPS endpoint, signed like our intake. */
export interface StaffWebhook {
  url: string;
  secret: string;
}

/**
 * A shop as the system needs it. Secrets sit beside the settings here; in AWS the same record
 * points at Secrets Manager instead (see infra/), behind this one read.
 */
export interface ShopRecord {
  shop: Shop;
  /** Every currently valid intake secret (`whsec_…`); more than one while a secret rotates. */
  webhookSecrets: string[];
  /** SHA-256 hex digests of the admin bearer tokens; the tokens themselves are never stored. */
  adminTokenHashes: string[];
  staffWebhook?: StaffWebhook;
  /** The shop's own Aliyun / Tencent SMS accounts (Secrets Manager in AWS, readable by the sender). */
  smsProviders?: SmsProviderAccounts;
  /** The secret path token of the SMS receipt endpoint (Tencent's callbacks are unsigned). */
  smsReceiptToken?: string;
}

interface ShopItem extends ShopRecord {
  pk: string;
  sk: string;
  type: 'shop';
}

const fromItem = (item: ShopItem): ShopRecord => ({
  shop: { ...item.shop, settings: shopSettingsSchema.parse(item.shop.settings ?? {}) },
  webhookSecrets: item.webhookSecrets ?? [],
  adminTokenHashes: item.adminTokenHashes ?? [],
  ...(item.staffWebhook ? { staffWebhook: item.staffWebhook } : {}),
  ...(item.smsProviders ? { smsProviders: item.smsProviders } : {}),
  ...(item.smsReceiptToken ? { smsReceiptToken: item.smsReceiptToken } : {}),
});

export const getShop = async (t: TableRef, shopId: string): Promise<ShopRecord | undefined> => {
  const out = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: shopKey(shopId) }));
  return out.Item ? fromItem(out.Item as ShopItem) : undefined;
};

export const putShop = async (t: TableRef, record: ShopRecord): Promise<void> => {
  const item: ShopItem = { ...shopKey(record.shop.id), type: 'shop', ...record };
  await t.doc.send(new PutCommand({ TableName: t.tableName, Item: item }));
};

export const listShops = async (t: TableRef): Promise<ShopRecord[]> => {
  const out: ShopRecord[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shop)',
    ExpressionAttributeValues: { ':pk': 'SHOPS', ':shop': 'SHOP#' },
  })) {
    out.push(fromItem(item as ShopItem));
  }
  return out;
};
