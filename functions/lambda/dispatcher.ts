import { numberEnv, requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { sqs } from '../config/lambda-queue.ts';
import { createDispatcherHandler } from '../handlers/dispatcher.ts';
import { createLanedSendQueue } from '../queue/send-queue.ts';

export const handler = createDispatcherHandler({
  table,
  clock,
  logger,
  queue: createLanedSendQueue(sqs, {
    transactional: requireEnv('SEND_QUEUE_URL'),
    marketing: requireEnv('MARKETING_QUEUE_URL'),
  }),
  leaseMs: numberEnv('DISPATCH_LEASE_MS', 15 * 60_000),
  maxPerShard: numberEnv('DISPATCH_MAX_PER_SHARD', 5_000),
  concurrency: numberEnv('DISPATCH_CONCURRENCY', 50),
});
