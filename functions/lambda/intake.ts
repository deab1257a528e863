import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { sqs } from '../config/lambda-queue.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { secrets } from '../config/secrets-client.ts';
import { createIntakeHandler } from '../handlers/intake.ts';
import { createLanedSendQueue } from '../queue/send-queue.ts';

export const handler = createIntakeHandler({
  table,
  clock,
  queue: createLanedSendQueue(sqs, {
    transactional: requireEnv('SEND_QUEUE_URL'),
    marketing: requireEnv('MARKETING_QUEUE_URL'),
  }),
  shops: shopsFor(secrets, 'intake'),
  logger,
});
