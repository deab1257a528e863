import {
  createSecretsShopDirectory,
  type SecretPurpose,
  type SecretsSource,
} from '../store/secrets-shop-directory.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { numberEnv, requireEnv } from './env.ts';
import { table } from './lambda-deps.ts';

/**
 * Shops as this function may see them: only the secret purposes its IAM role can read. Intake,
 * admin and consent pass the eager client (secrets-client.ts: every request needs one); the
 * sender makes its client on the first staff alert.
 */
export const shopsFor = (
  secrets: SecretsSource,
  ...purposes: [SecretPurpose, ...SecretPurpose[]]
): ShopDirectory =>
  createSecretsShopDirectory({
    table,
    secrets,
    prefix: requireEnv('SHOP_SECRETS_PREFIX'),
    purposes,
    ttlMs: numberEnv('SHOP_CACHE_MS', 60_000),
  });
