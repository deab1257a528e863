import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsShopDirectory, type SecretPurpose } from '../store/secrets-shop-directory.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { numberEnv, requireEnv } from './env.ts';
import { table } from './lambda-deps.ts';

export const secrets = new SecretsManagerClient({});

/** Shops as this function may see them: only the secret purposes its IAM role can read. */
export const shopsFor = (...purposes: [SecretPurpose, ...SecretPurpose[]]): ShopDirectory =>
  createSecretsShopDirectory({
    table,
    secrets,
    prefix: requireEnv('SHOP_SECRETS_PREFIX'),
    purposes,
    ttlMs: numberEnv('SHOP_CACHE_MS', 60_000),
  });
