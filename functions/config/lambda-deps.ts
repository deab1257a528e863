import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../domain/clock.ts';
import type { TableRef } from '../store/dynamo.ts';
import { createSecretsShopDirectory, type SecretPurpose } from '../store/secrets-shop-directory.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { createDocumentClient, createSqsClient } from './clients.ts';
import { numberEnv, optionalEnv, requireEnv } from './env.ts';

/** Module-scope clients shared by every Lambda entry: created once per container. */
export const logger = new Logger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', 'order-followup'),
});
export const doc = createDocumentClient();
export const sqs = createSqsClient();
export const table: TableRef = { doc, tableName: requireEnv('TABLE_NAME') };
export const clock = systemClock;

const secrets = new SecretsManagerClient({});

/** Shops as this function may see them: only the secret purposes its IAM role can read. */
export const shopsFor = (...purposes: SecretPurpose[]): ShopDirectory =>
  createSecretsShopDirectory({
    table,
    secrets,
    prefix: requireEnv('SHOP_SECRETS_PREFIX'),
    purposes,
    ttlMs: numberEnv('SHOP_CACHE_MS', 60_000),
  });
