import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SmsProviderAccounts } from '../channels/sms-providers/provider-accounts.ts';
import { type Shop, shopSettingsSchema } from '../domain/shop/shop-settings.ts';
import type { PlatformConnection } from '../platforms/platform.ts';
import { queryItems, type TableRef } from './dynamo.ts';
import { shopItemsRange, shopKey, shopTemplatePointersKey } from './table.ts';

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
  /**
   * Template key → the shop's published version, for keys the shop overrides: read with the
   * shop (functions/store/shop-template-store.ts writes it), so the sender's cached shop read carries it.
   */
  templateVersions?: Record<string, number>;
  /** The shop platforms (Shopify, WooCommerce, …) whose webhooks this shop takes, with their secrets. */
  platformConnections?: PlatformConnection[];
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
  ...(item.platformConnections?.length ? { platformConnections: item.platformConnections } : {}),
  ...(item.smsProviders ? { smsProviders: item.smsProviders } : {}),
  ...(item.smsReceiptToken ? { smsReceiptToken: item.smsReceiptToken } : {}),
});

/** Attributes of the pointers item: `v:<template key>` → the live version number. */
export const TEMPLATE_POINTER_PREFIX = 'v:';

/** One Query for the shop item and its template pointers beside it (one read unit while under 4 KB). */
export const getShop = async (t: TableRef, shopId: string): Promise<ShopRecord | undefined> => {
  const range = shopItemsRange(shopId);
  const out = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': range.pk, ':from': range.from, ':to': range.to },
    }),
  );
  const items = out.Items ?? [];
  const shop = items.find((i) => i.sk === shopKey(shopId).sk);
  if (!shop) return undefined;
  const pointers = items.find((i) => i.sk === shopTemplatePointersKey(shopId).sk) ?? {};
  const versions = Object.fromEntries(
    Object.entries(pointers)
      .filter(([name, v]) => name.startsWith(TEMPLATE_POINTER_PREFIX) && typeof v === 'number')
      .map(([name, v]) => [name.slice(TEMPLATE_POINTER_PREFIX.length), v as number]),
  );
  const record = fromItem(shop as ShopItem);
  return Object.keys(versions).length ? { ...record, templateVersions: versions } : record;
};

export const putShop = async (t: TableRef, record: ShopRecord): Promise<void> => {
  const { templateVersions: _versions, ...rest } = record;
  const item: ShopItem = { ...shopKey(record.shop.id), type: 'shop', ...rest };
  await t.doc.send(new PutCommand({ TableName: t.tableName, Item: item }));
};

export const listShops = async (t: TableRef): Promise<ShopRecord[]> => {
  const out: ShopRecord[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shop)',
    ExpressionAttributeValues: { ':pk': 'SHOPS', ':shop': 'SHOP#' },
  })) {
    // The template pointers share the partition; only shop items are shops.
    if (item.type === 'shop') out.push(fromItem(item as ShopItem));
  }
  return out;
};
