import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { connectionFromArgs, connectPlatform, PLATFORM_OPTIONS } from './platform-connection.ts';

/**
 * Connects a platform to an existing shop in a deployed stage, or rotates its secret:
 *   npm run connect-platform -- --prefix order-followup/dev/shops --shop acme \
 *     --platform shopify --shop-domain acme-tea.myshopify.com --platform-secret <app secret> \
 *     [--platform-client-id <Youzan client_id | Douyin app_key>] [--keep-old]
 * With --keep-old the previous secret stays valid beside the new one (rotation); run again
 * without it once the platform signs with the new one.
 */
const { values } = parseArgs({
  options: {
    prefix: { type: 'string' },
    shop: { type: 'string' },
    'keep-old': { type: 'boolean', default: false },
    ...PLATFORM_OPTIONS,
  },
});
for (const required of ['prefix', 'shop'] as const) {
  if (!values[required]) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}
const parsed = connectionFromArgs(values);
if ('error' in parsed) {
  console.error(parsed.error);
  process.exit(2);
}
await connectPlatform(
  new SecretsManagerClient({}),
  values.prefix as string,
  values.shop as string,
  parsed.connection,
  values['keep-old'] === true,
);
console.log(
  JSON.stringify({
    shopId: values.shop,
    platform: parsed.connection.platform,
    url: `/v1/shops/${values.shop}/platforms/${parsed.connection.platform}`,
  }),
);
