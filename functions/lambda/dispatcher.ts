import { numberEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { lanedSendQueue } from '../config/lambda-queue.ts';
import { createDispatcherHandler } from '../handlers/dispatcher.ts';

export const handler = createDispatcherHandler({
  table,
  clock,
  logger,
  queue: lanedSendQueue(),
  leaseMs: numberEnv('DISPATCH_LEASE_MS', 15 * 60_000),
  maxPerShard: numberEnv('DISPATCH_MAX_PER_SHARD', 5_000),
  concurrency: numberEnv('DISPATCH_CONCURRENCY', 50),
});
