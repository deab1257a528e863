import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { sqs } from '../config/lambda-queue.ts';
import { createTimerHandler } from '../handlers/timer.ts';
import { createLanedSendQueue } from '../queue/send-queue.ts';

export const handler = createTimerHandler({
  table,
  clock,
  logger,
  queue: createLanedSendQueue(sqs, {
    transactional: requireEnv('SEND_QUEUE_URL'),
    marketing: requireEnv('MARKETING_QUEUE_URL'),
  }),
});
