import { Logger } from '@aws-lambda-powertools/logger';
import { systemClock } from '../domain/clock.ts';
import type { TableRef } from '../store/dynamo.ts';
import { createShopDirectory } from '../store/shop-directory.ts';
import { createDocumentClient } from './clients.ts';
import { numberEnv, optionalEnv, requireEnv } from './env.ts';
import { lambdaOrderTimers } from './lambda-timers.ts';

/**
 * Module-scope clients every Lambda entry shares: created once per container. Only DynamoDB is
 * here; SQS (lambda-queue.ts) and Secrets Manager (lambda-shop-secrets.ts) are imported by the
 * entries that use them, so no function loads an SDK it never calls.
 */
export const logger = new Logger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', 'order-followup'),
});
export const doc = createDocumentClient();
const timers = lambdaOrderTimers();
export const table: TableRef = {
  doc,
  tableName: requireEnv('TABLE_NAME'),
  ...(timers ? { timers } : {}),
};
export const clock = systemClock;

/** Shops without any of their secrets: settings and names only, from the table. */
export const shopsWithoutSecrets = () =>
  createShopDirectory(table, numberEnv('SHOP_CACHE_MS', 60_000));
