import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { smsProviderAccountsSchema } from '../functions/channels/sms-providers/provider-accounts.ts';
import { createDocumentClient } from '../functions/config/clients.ts';
import { shopSettingsSchema } from '../functions/domain/shop/shop-settings.ts';
import { sha256Hex } from '../functions/http/admin-auth.ts';
import { type SecretPurpose, shopSecretName } from '../functions/store/secrets-shop-directory.ts';
import { putShop } from '../functions/store/shop-store.ts';
import { connectionFromArgs, PLATFORM_OPTIONS } from './platform-connection.ts';

/**
 * Creates (or updates) a shop in a deployed stage: settings in the table, secrets in Secrets
 * Manager. Prints the new webhook secret and admin token once; only the token's hash is stored.
 *   npx tsx scripts/create-shop.ts --table <TableName> --prefix order-followup/dev/shops \
 *     --shop acme --name "Acme Tea" --time-zone Asia/Shanghai --locale zh-CN \
 *     [--staff-webhook-url https://…] [--keep-secret whsec_old]   (rotation: old and new both valid)
 *     [--settings settings.json]   (flows, contact policy, links; README "Flows"; defaults otherwise)
 *     [--platform shopify --shop-domain acme-tea.myshopify.com --platform-secret <app secret>]
 *     [--platform-client-id <Youzan client_id | Douyin app_key>]   (README "Connect your platform")
 *     [--sms-providers accounts.json]   (Aliyun / Tencent keys and signature; README "SMS in mainland China")
 *     [--sms-receipts]   (a new token for the providers' delivery receipt URL, printed once)
 */
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    prefix: { type: 'string' },
    shop: { type: 'string' },
    name: { type: 'string' },
    'time-zone': { type: 'string', default: 'Asia/Shanghai' },
    locale: { type: 'string', default: 'zh-CN' },
    'staff-webhook-url': { type: 'string' },
    'keep-secret': { type: 'string', multiple: true, default: [] },
    settings: { type: 'string' },
    'sms-providers': { type: 'string' },
    'sms-receipts': { type: 'boolean', default: false },
    ...PLATFORM_OPTIONS,
  },
});
for (const required of ['table', 'prefix', 'shop', 'name'] as const) {
  if (!values[required]) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}
const platform = values.platform ? connectionFromArgs(values) : undefined;
if (platform && 'error' in platform) {
  console.error(platform.error);
  process.exit(2);
}
const parsedSettings = shopSettingsSchema.safeParse(
  values.settings ? JSON.parse(readFileSync(values.settings, 'utf8')) : {},
);
if (!parsedSettings.success) {
  for (const issue of parsedSettings.error.issues) {
    console.error(`${values.settings}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  process.exit(2);
}
// The file holds keys: it is checked whole before anything is written, and never echoed.
const smsAccounts = values['sms-providers']
  ? smsProviderAccountsSchema.safeParse(JSON.parse(readFileSync(values['sms-providers'], 'utf8')))
  : undefined;
if (smsAccounts && !smsAccounts.success) {
  for (const issue of smsAccounts.error.issues) {
    console.error(
      `${values['sms-providers']}: ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
  }
  process.exit(2);
}
const shopId = values.shop as string;
const prefix = values.prefix as string;
const secrets = new SecretsManagerClient({});
const put = async (purpose: SecretPurpose, value: unknown) => {
  const name = shopSecretName(prefix, shopId, purpose);
  const SecretString = JSON.stringify(value);
  try {
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString }));
  } catch (err) {
    if (!(err instanceof ResourceExistsException)) throw err;
    await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
  }
};

const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
const adminToken = randomBytes(24).toString('base64url');
await putShop(
  { doc: createDocumentClient(), tableName: values.table as string },
  {
    shop: {
      id: shopId,
      name: values.name as string,
      timeZone: values['time-zone'] as string,
      defaultLocale: values.locale as string,
      settings: parsedSettings.data,
    },
    webhookSecrets: [],
    adminTokenHashes: [],
  },
);
await put('intake', {
  webhookSecrets: [webhookSecret, ...(values['keep-secret'] as string[])],
  ...(platform ? { platformConnections: [platform.connection] } : {}),
});
await put('admin', { adminTokenHashes: [sha256Hex(adminToken)] });
if (values['staff-webhook-url']) {
  await put('staff-webhook', {
    url: values['staff-webhook-url'],
    secret: `whsec_${randomBytes(32).toString('base64')}`,
  });
}
if (smsAccounts?.success) await put('sms-providers', smsAccounts.data);
const smsReceiptToken = values['sms-receipts']
  ? `rcpt_${randomBytes(24).toString('hex')}`
  : undefined;
if (smsReceiptToken) await put('sms-receipts', { token: smsReceiptToken });
console.log(
  JSON.stringify(
    { shopId, webhookSecret, adminToken, ...(smsReceiptToken ? { smsReceiptToken } : {}) },
    null,
    2,
  ),
);
