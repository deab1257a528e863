import { Logger } from '@aws-lambda-powertools/logger';
import { systemClock } from '../domain/clock.ts';
import type { TableRef } from '../store/dynamo.ts';
import { createShopDirectory } from '../store/shop-directory.ts';
import { createDocumentClient, createSqsClient } from './clients.ts';
import { numberEnv, optionalEnv, requireEnv } from './env.ts';

/** Module-scope clients shared by every Lambda entry: created once per container. */
export const logger = new Logger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', 'order-followup'),
});
export const doc = createDocumentClient();
export const sqs = createSqsClient();
export const table: TableRef = { doc, tableName: requireEnv('TABLE_NAME') };
export const shops = createShopDirectory(table, numberEnv('SHOP_CACHE_MS', 60_000));
export const clock = systemClock;
