import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseSmsProviderAccounts } from '../channels/sms-providers/provider-accounts.ts';
import { PLATFORMS, type PlatformConnection, type PlatformName } from '../platforms/platform.ts';
import type { TableRef } from './dynamo.ts';
import type { ShopDirectory } from './shop-directory.ts';
import { getShop, listShops, type ShopRecord, type StaffWebhook } from './shop-store.ts';

/**
 * Which secrets a Lambda may read. Each purpose is its own secret, so IAM can give intake the
 * webhook secrets, admin the token hashes and the sender the staff webhook — and nothing else.
 */
export type SecretPurpose =
  | 'intake'
  | 'admin'
  | 'staff-webhook'
  /** The shop's Aliyun / Tencent SMS credentials: the sender only. */
  | 'sms-providers'
  /** The path token of the SMS receipt endpoint: the consent function only. */
  | 'sms-receipts';

/**
 * The platform connections kept in the intake secret beside the webhook secrets: the platforms'
 * signing secrets are intake's to read, like ours. A malformed entry is left out.
 */
export const platformConnectionsOf = (value: unknown): PlatformConnection[] =>
  Array.isArray(value)
    ? value.flatMap((v) => {
        const c = v as Partial<PlatformConnection> | null;
        if (!c || !PLATFORMS.includes(c.platform as PlatformName) || !Array.isArray(c.secrets)) {
          return [];
        }
        const secrets = c.secrets.filter((s): s is string => typeof s === 'string' && s !== '');
        return [
          {
            platform: c.platform as PlatformName,
            secrets,
            ...(typeof c.shopDomain === 'string' ? { shopDomain: c.shopDomain } : {}),
            ...(typeof c.clientId === 'string' ? { clientId: c.clientId } : {}),
          },
        ];
      })
    : [];

/** A client, or how to make one on first use (the sender reads secrets only for staff alerts). */
export type SecretsSource = SecretsManagerClient | (() => Promise<SecretsManagerClient>);

export const secretsClientOf = (source: SecretsSource): Promise<SecretsManagerClient> =>
  typeof source === 'function' ? source() : Promise.resolve(source);

export const shopSecretName = (prefix: string, shopId: string, purpose: SecretPurpose): string =>
  `${prefix}/${shopId}/${purpose}`;

export interface SecretsShopDirectoryOptions {
  table: TableRef;
  secrets: SecretsSource;
  /** e.g. "order-followup/prod/shops" */
  prefix: string;
  purposes: SecretPurpose[];
  ttlMs: number;
}

/**
 * Shops in AWS: settings from the DynamoDB shop item, secrets from Secrets Manager. The item's
 * own secret fields are ignored, so nothing secret needs to live in the table.
 */
export const createSecretsShopDirectory = (o: SecretsShopDirectoryOptions): ShopDirectory => {
  const cache = new Map<string, { at: number; record: ShopRecord | undefined }>();
  const read = async (
    shopId: string,
    purpose: SecretPurpose,
  ): Promise<Record<string, unknown> | undefined> => {
    const { GetSecretValueCommand, ResourceNotFoundException } = await import(
      '@aws-sdk/client-secrets-manager'
    );
    const client = await secretsClientOf(o.secrets);
    try {
      const out = await client.send(
        new GetSecretValueCommand({ SecretId: shopSecretName(o.prefix, shopId, purpose) }),
      );
      return out.SecretString
        ? (JSON.parse(out.SecretString) as Record<string, unknown>)
        : undefined;
    } catch (err) {
      if (
        err instanceof ResourceNotFoundException ||
        (err as { name?: string }).name === 'ResourceNotFoundException'
      ) {
        return undefined;
      }
      throw err;
    }
  };
  const withSecrets = async (record: ShopRecord): Promise<ShopRecord> => {
    const id = record.shop.id;
    const [intake, admin, staff, smsAccounts, smsReceipts] = await Promise.all([
      o.purposes.includes('intake') ? read(id, 'intake') : undefined,
      o.purposes.includes('admin') ? read(id, 'admin') : undefined,
      o.purposes.includes('staff-webhook') ? read(id, 'staff-webhook') : undefined,
      o.purposes.includes('sms-providers') ? read(id, 'sms-providers') : undefined,
      o.purposes.includes('sms-receipts') ? read(id, 'sms-receipts') : undefined,
    ]);
    const smsProviders = smsAccounts ? parseSmsProviderAccounts(smsAccounts) : undefined;
    const smsReceiptToken =
      typeof smsReceipts?.token === 'string' && smsReceipts.token.length >= 32
        ? smsReceipts.token
        : undefined;
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
    const staffWebhook =
      staff && typeof staff.url === 'string' && typeof staff.secret === 'string'
        ? ({ url: staff.url, secret: staff.secret } satisfies StaffWebhook)
        : undefined;
    const platformConnections = platformConnectionsOf(intake?.platformConnections);
    return {
      shop: record.shop,
      webhookSecrets: strings(intake?.webhookSecrets),
      adminTokenHashes: strings(admin?.adminTokenHashes),
      ...(staffWebhook ? { staffWebhook } : {}),
      ...(record.templateVersions ? { templateVersions: record.templateVersions } : {}),
      ...(platformConnections.length ? { platformConnections } : {}),
      ...(smsProviders ? { smsProviders } : {}),
      ...(smsReceiptToken ? { smsReceiptToken } : {}),
    };
  };
  return {
    async get(shopId) {
      const hit = cache.get(shopId);
      if (hit && performance.now() - hit.at < o.ttlMs) return hit.record;
      const base = await getShop(o.table, shopId);
      const record = base ? await withSecrets(base) : undefined;
      cache.set(shopId, { at: performance.now(), record });
      return record;
    },
    // Listing serves the schedulers, which need settings only, never secrets.
    list: () => listShops(o.table),
  };
};
